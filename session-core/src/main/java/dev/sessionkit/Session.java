package dev.sessionkit;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The session as an application sees it during one request: typed attributes through Jackson, the
 * principal, id rotation and invalidation. Changes are recorded as a {@link SessionDelta} and
 * written by {@link SessionManager#commit(SessionContext)}, so a store writes only what changed.
 *
 * <p>Values are converted to JSON when they are set, so a value that cannot be stored fails at
 * {@link #set(String, Object)} with an {@link AttributeSerializationException}, not at commit.
 * After {@link #invalidate()} every method but {@link #isInvalidated()}, {@link #isNew()} and
 * {@link #handle()} throws {@link IllegalStateException}.
 *
 * <p>Not thread-safe: one request uses it at a time. Concurrent requests of the same user each have
 * their own {@code Session}, and their deltas merge in the store.
 */
public final class Session {

    private final SessionSettings settings;
    private final boolean isNew;
    private final String ip;
    private final String userAgent;
    private final Instant createdAt;

    private SessionId id;
    private SessionId previousId;
    private SessionData stored;
    private final Map<String, JsonNode> attributes;
    private final Map<String, JsonNode> set = new LinkedHashMap<>();
    private final Set<String> removed = new HashSet<>();
    private final Map<String, Long> increments = new LinkedHashMap<>();
    private String principal;
    private boolean principalChanged;
    private Instant absoluteExpiresAt;
    private boolean absoluteChanged;
    private Duration idleTimeout;
    private boolean idleTimeoutChanged;
    private boolean invalidated;

    /** A session loaded from the store. */
    Session(SessionSettings settings, SessionId id, SessionData stored) {
        this.settings = settings;
        this.isNew = false;
        this.id = id;
        this.stored = stored;
        this.attributes = new HashMap<>(stored.attributes());
        this.principal = stored.principal();
        this.absoluteExpiresAt = stored.absoluteExpiresAt();
        this.idleTimeout = stored.idleTimeout();
        this.ip = stored.ip();
        this.userAgent = stored.userAgent();
        this.createdAt = stored.createdAt();
    }

    /** A session created during this request, not yet stored. */
    Session(SessionSettings settings, SessionId id, Instant now, String ip, String userAgent) {
        this.settings = settings;
        this.isNew = true;
        this.id = id;
        this.attributes = new HashMap<>();
        this.absoluteExpiresAt = now.plus(settings.absoluteTtl());
        this.idleTimeout = settings.ttl();
        this.ip = ip;
        this.userAgent = userAgent;
        this.createdAt = now;
    }

    /**
     * An opaque, URL-safe handle for this session, safe to show its owner: the lookup key, not the
     * secret id. Changes when the id is regenerated.
     */
    public String handle() {
        return id.lookupKey().value();
    }

    /** True when the session was created during this request and has not been stored before. */
    public boolean isNew() {
        return isNew;
    }

    /** True once {@link #invalidate()} was called. */
    public boolean isInvalidated() {
        return invalidated;
    }

    /** When the session was created. */
    public Instant createdAt() {
        check();
        return createdAt;
    }

    /** When the session's expiry was last written; for a new session, its creation. */
    public Instant lastAccessedAt() {
        check();
        return stored == null ? createdAt : stored.lastAccessedAt();
    }

    /** When the session ends if no request touches it: the earlier of idle and absolute expiry. */
    public Instant expiresAt() {
        check();
        Instant idle = (stored == null ? createdAt : stored.lastAccessedAt()).plus(idleTimeout);
        if (stored != null && stored.idleExpiresAt().isAfter(idle) && !idleTimeoutChanged) {
            idle = stored.idleExpiresAt();
        }
        return idle.isBefore(absoluteExpiresAt) ? idle : absoluteExpiresAt;
    }

    /** When the session ends whatever its activity. */
    public Instant absoluteExpiresAt() {
        check();
        return absoluteExpiresAt;
    }

    /** The idle timeout of this session. */
    public Duration idleTimeout() {
        check();
        return idleTimeout;
    }

    /**
     * Changes the idle timeout of this session only (the servlet {@code setMaxInactiveInterval}).
     *
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public void setIdleTimeout(Duration timeout) {
        check();
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("idle timeout must be positive: " + timeout);
        }
        if (!timeout.equals(idleTimeout)) {
            idleTimeout = timeout;
            idleTimeoutChanged = true;
        }
    }

    /** The client address recorded when the session was created. */
    public Optional<String> ip() {
        return Optional.ofNullable(ip);
    }

    /** The user agent recorded when the session was created. */
    public Optional<String> userAgent() {
        return Optional.ofNullable(userAgent);
    }

    /** The signed-in user, if any. */
    public Optional<String> principal() {
        check();
        return Optional.ofNullable(principal);
    }

    /**
     * Sets the signed-in user ({@code null} signs out). Signing in as someone new restarts the
     * absolute lifetime. Call {@link #regenerateId()} as well on login, or use {@link #login(String)}.
     *
     * @throws IllegalArgumentException when the principal is empty or holds text no store can keep
     */
    public void setPrincipal(String newPrincipal) {
        check();
        if (newPrincipal != null && (newPrincipal.isEmpty() || !SessionJson.isStorable(newPrincipal))) {
            throw new IllegalArgumentException("a principal must be non-empty text without \\u0000 or unpaired surrogates");
        }
        if (Objects.equals(principal, newPrincipal)) {
            return;
        }
        principal = newPrincipal;
        principalChanged = true;
        if (newPrincipal != null) {
            absoluteChanged = true; // the instant is fixed at commit
        }
    }

    /**
     * Signs {@code user} in: sets the principal, regenerates the id (fixation defence) and restarts
     * the absolute lifetime, also when the same user signs in again.
     */
    public void login(String user) {
        Objects.requireNonNull(user, "user");
        setPrincipal(user);
        absoluteChanged = true;
        regenerateId();
    }

    /**
     * Reads an attribute as {@code type}.
     *
     * @throws IllegalArgumentException when the stored JSON cannot be read as {@code type}
     */
    public <T> Optional<T> get(String name, Class<T> type) {
        check();
        JsonNode node = attributes.get(Objects.requireNonNull(name, "name"));
        return node == null ? Optional.empty() : Optional.ofNullable(SessionJson.fromJson(name, node, type));
    }

    /** Reads an attribute as a generic type, such as {@code new TypeReference<List<String>>() {}}. */
    public <T> Optional<T> get(String name, TypeReference<T> type) {
        check();
        JsonNode node = attributes.get(Objects.requireNonNull(name, "name"));
        return node == null ? Optional.empty() : Optional.ofNullable(SessionJson.fromJson(name, node, type));
    }

    /** Reads an attribute as a JSON tree (a copy: changing it changes nothing). */
    public Optional<JsonNode> getJson(String name) {
        check();
        JsonNode node = attributes.get(Objects.requireNonNull(name, "name"));
        return node == null ? Optional.empty() : Optional.of(node.deepCopy());
    }

    /** The names of all attributes. */
    public Set<String> attributeNames() {
        check();
        return Set.copyOf(attributes.keySet());
    }

    /**
     * Sets an attribute; a {@code null} value removes it.
     *
     * @throws AttributeSerializationException when the value cannot be written as storable JSON
     */
    public void set(String name, Object value) {
        check();
        Objects.requireNonNull(name, "name");
        if (value == null) {
            remove(name);
            return;
        }
        SessionJson.validateName(name);
        JsonNode node = SessionJson.toJson(name, value);
        attributes.put(name, node);
        set.put(name, node);
        removed.remove(name);
        increments.remove(name);
    }

    /** Removes an attribute; nothing happens when it is absent. */
    public void remove(String name) {
        check();
        Objects.requireNonNull(name, "name");
        boolean had = attributes.remove(name) != null;
        boolean pending = set.remove(name) != null | increments.remove(name) != null;
        if (had || pending) {
            removed.add(name);
        }
    }

    /** Removes every attribute (the principal stays); for example when a different user signs in. */
    public void clear() {
        check();
        for (String name : Set.copyOf(attributes.keySet())) {
            remove(name);
        }
    }

    /**
     * Adds {@code by} to an integer attribute, atomically in the store: concurrent requests that
     * increment the same counter lose nothing. A missing or non-integer value counts as 0.
     *
     * @return the value as this request sees it (the stored value after commit may be higher when
     *     other requests incremented too)
     */
    public long increment(String name, long by) {
        check();
        Objects.requireNonNull(name, "name");
        long value = SessionDelta.integerOrZero(attributes.get(name)) + by;
        attributes.put(name, SessionDelta.numberNode(value));
        if (set.containsKey(name)) {
            set.put(name, attributes.get(name));
        } else {
            increments.merge(name, by, Long::sum);
        }
        return value;
    }

    /**
     * Gives the session a new id at commit, keeping its data; the old id stops working. Call it on
     * every change of privilege (login) to defeat session fixation.
     */
    public void regenerateId() {
        check();
        if (previousId == null && !isNew) {
            previousId = id;
        }
        id = SessionId.generate();
    }

    /** Ends the session at commit: the store forgets it (or marks it logged out) and the cookie is cleared. */
    public void invalidate() {
        check();
        invalidated = true;
    }

    /** True when this request changed anything that must be written. */
    public boolean isModified() {
        return !set.isEmpty() || !removed.isEmpty() || !increments.isEmpty() || principalChanged || idleTimeoutChanged
                || absoluteChanged;
    }

    @Override
    public String toString() {
        return "Session[" + id.lookupKey().prefix() + "…, new=" + isNew + ", modified=" + isModified()
                + ", invalidated=" + invalidated + "]";
    }

    // ---- used by SessionManager ----

    SessionId id() {
        return id;
    }

    SessionId previousId() {
        return previousId;
    }

    SessionData stored() {
        return stored;
    }

    boolean principalChanged() {
        return principalChanged;
    }

    String previousPrincipal() {
        return stored == null ? null : stored.principal();
    }

    boolean regenerated() {
        return previousId != null;
    }

    /** The delta of this request; {@code now} fixes a restarted absolute lifetime. */
    SessionDelta delta(Instant now) {
        if (absoluteChanged) {
            absoluteExpiresAt = now.plus(settings.absoluteTtl());
        }
        return new SessionDelta(set, removed, increments, principalChanged, principalChanged ? principal : null,
                absoluteChanged ? absoluteExpiresAt : null, idleTimeoutChanged ? idleTimeout : null, null);
    }

    /** The full snapshot to create, for a new session. */
    SessionData toNewData(Instant now) {
        if (absoluteChanged) {
            absoluteExpiresAt = now.plus(settings.absoluteTtl());
        }
        Instant idleExpires = now.plus(idleTimeout);
        return new SessionData(id.lookupKey(), attributes, principal, createdAt, now, idleExpires, absoluteExpiresAt,
                idleTimeout, ip, userAgent, SessionStatus.ACTIVE, 0);
    }

    /** After a successful write: the store's view becomes the base, pending changes are cleared. */
    void committed(SessionData newStored) {
        stored = newStored;
        attributes.clear();
        attributes.putAll(newStored.attributes());
        principal = newStored.principal();
        absoluteExpiresAt = newStored.absoluteExpiresAt();
        idleTimeout = newStored.idleTimeout();
        set.clear();
        removed.clear();
        increments.clear();
        principalChanged = false;
        absoluteChanged = false;
        idleTimeoutChanged = false;
        previousId = null;
    }

    private void check() {
        if (invalidated) {
            throw new IllegalStateException("the session was invalidated");
        }
    }
}
