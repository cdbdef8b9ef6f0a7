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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session as an application sees it during one request: typed attributes through Jackson, the
 * principal, id rotation and invalidation. Changes are recorded as a {@link SessionDelta} and
 * written by {@link SessionManager#commit(SessionContext)}, so a store writes only what changed.
 *
 * <p>Values keep their Java types: {@link #get(String, Class)} on a later request returns an
 * instance of the class that was set, for the allowed attribute types (JDK values and collections,
 * the application's packages named in {@code SESSION_ATTRIBUTE_TYPES}, types of registered Jackson
 * modules). Within one request the same instance comes back each time, and a mutable value that
 * was set or read and then changed in place is written at commit when its JSON changed
 * ({@link SaveMode#ON_CHANGE}, the default). Values are converted to JSON when they are set, so a
 * value that cannot be stored (or read back, or is not allowed, or is too large or deep) fails at
 * {@link #set(String, Object)} with an {@link AttributeSerializationException}, not at commit.
 * An attribute whose stored JSON cannot be read any more (its class was renamed, removed or is no
 * longer allowed) is left out of the view with one WARN, and stays in the store untouched until
 * it is set or removed.
 * After {@link #invalidate()} every method but {@link #isInvalidated()}, {@link #isNew()} and
 * {@link #handle()} throws {@link IllegalStateException}.
 *
 * <p>Not thread-safe: one request uses it at a time. Concurrent requests of the same user each have
 * their own {@code Session}, and their deltas merge in the store.
 */
public final class Session {

    private static final Logger LOG = LoggerFactory.getLogger(Session.class);

    private final SessionSettings settings;
    private final AttributeCodec codec;
    private final boolean isNew;
    private final String ip;
    private final String userAgent;
    private final Instant createdAt;

    private SessionId id;
    private SessionId previousId;
    private SessionData stored;
    /** The attributes as this request sees them: the stored snapshot's own map until the first change. */
    private Map<String, JsonNode> attributes;
    private boolean attributesShared;
    private final Map<String, JsonNode> set = new LinkedHashMap<>();
    private final Set<String> removed = new HashSet<>();
    private final Map<String, Long> increments = new LinkedHashMap<>();
    /** Java values handed out or set in this request, with the JSON they were read from or written as. */
    private final Map<String, Live> live = new HashMap<>();
    /** Attributes whose stored JSON cannot be read; left out of the view. */
    private final Set<String> unreadable = new HashSet<>();
    /** Encoded sizes of attributes, filled when a set needs the session's total. */
    private final Map<String, Integer> sizes = new HashMap<>();
    private String principal;
    private boolean principalChanged;
    private Instant absoluteExpiresAt;
    private boolean absoluteChanged;
    private Duration idleTimeout;
    private boolean idleTimeoutChanged;
    private boolean invalidated;

    /** A session loaded from the store. */
    Session(SessionSettings settings, AttributeCodec codec, SessionId id, SessionData stored) {
        this.settings = settings;
        this.codec = codec;
        this.isNew = false;
        this.id = id;
        this.stored = stored;
        this.attributes = stored.attributes(); // copied on the first change: most requests only read
        this.attributesShared = true;
        this.principal = stored.principal();
        this.absoluteExpiresAt = stored.absoluteExpiresAt();
        this.idleTimeout = stored.idleTimeout();
        this.ip = stored.ip();
        this.userAgent = stored.userAgent();
        this.createdAt = stored.createdAt();
    }

    /** A session created during this request, not yet stored. */
    Session(SessionSettings settings, AttributeCodec codec, SessionId id, Instant now, String ip, String userAgent) {
        this.settings = settings;
        this.codec = codec;
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
     * secret id. Changes when the id is regenerated or renewed; a request that arrived with the id
     * the session had before a renewal sees the current handle.
     */
    public String handle() {
        return (stored != null && previousId == null ? stored.key() : id.lookupKey()).value();
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
     * Reads an attribute as {@code type}: {@code Object.class} gives the value as it was set (or, for
     * JSON stored before types were kept, as plain {@code String}, {@code Integer}, {@code List},
     * {@code Map}…); another class converts when the stored value is not already one. Within a
     * request the same instance comes back for the same attribute.
     *
     * @return empty when the attribute is absent, or its stored JSON cannot be read (see the class comment)
     * @throws IllegalArgumentException when the stored value cannot be read as {@code type}
     */
    public <T> Optional<T> get(String name, Class<T> type) {
        check();
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Live known = live.get(name);
        if (known != null && type.isInstance(known.value())) {
            return Optional.of(type.cast(known.value()));
        }
        JsonNode node = attributes.get(name);
        if (node == null || unreadable.contains(name)) {
            return Optional.empty();
        }
        if (AttributeCodec.isTyped(node)) {
            Object value = decode(name, node);
            if (value == null) {
                return Optional.empty();
            }
            if (type.isInstance(value)) {
                return Optional.of(type.cast(value));
            }
            try {
                return Optional.ofNullable(codec.convert(value, type));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("attribute '" + name + "' holds " + value.getClass().getName()
                        + ", which cannot be read as " + type.getName(), e);
            }
        }
        if (type == Object.class) {
            Object value = AttributeCodec.decodeNatural(node);
            remember(name, value, node);
            return Optional.ofNullable(type.cast(value));
        }
        return Optional.ofNullable(SessionJson.fromJson(name, AttributeCodec.unescape(node), type));
    }

    /** Reads an attribute as a generic type, such as {@code new TypeReference<List<String>>() {}}. */
    public <T> Optional<T> get(String name, TypeReference<T> type) {
        check();
        JsonNode node = attributes.get(Objects.requireNonNull(name, "name"));
        if (node == null || unreadable.contains(name)) {
            return Optional.empty();
        }
        if (AttributeCodec.isTyped(node)) {
            Object value = decode(name, node);
            return value == null ? Optional.empty()
                    : Optional.ofNullable(SessionJson.mapper().convertValue(value, type));
        }
        return Optional.ofNullable(SessionJson.fromJson(name, AttributeCodec.unescape(node), type));
    }

    /**
     * The attribute's value as it was set: {@code get(name, Object.class).orElse(null)}; what
     * {@code HttpSession.getAttribute} returns.
     */
    public Object value(String name) {
        return get(name, Object.class).orElse(null);
    }

    /** True when the attribute is present and readable. */
    public boolean contains(String name) {
        check();
        Objects.requireNonNull(name, "name");
        if (live.containsKey(name)) {
            return true;
        }
        JsonNode node = attributes.get(name);
        if (node == null || unreadable.contains(name)) {
            return false;
        }
        return !AttributeCodec.isTyped(node) || decode(name, node) != null;
    }

    /** Reads an attribute's stored JSON (a copy: changing it changes nothing). */
    public Optional<JsonNode> getJson(String name) {
        check();
        JsonNode node = attributes.get(Objects.requireNonNull(name, "name"));
        return node == null ? Optional.empty() : Optional.of(node.deepCopy());
    }

    /** The names of all readable attributes (an unreadable one is left out; see the class comment). */
    public Set<String> attributeNames() {
        check();
        Set<String> names = new HashSet<>();
        for (String name : attributes.keySet()) {
            if (contains(name)) {
                names.add(name);
            }
        }
        return Set.copyOf(names);
    }

    /**
     * Sets an attribute; a {@code null} value removes it. The value is encoded at once; the session
     * is unchanged when that fails.
     *
     * @throws AttributeSerializationException when the value cannot be stored: see
     *     {@link AttributeSerializationException#reason()}
     */
    public void set(String name, Object value) {
        check();
        Objects.requireNonNull(name, "name");
        if (value == null) {
            remove(name);
            return;
        }
        SessionJson.validateName(name);
        AttributeCodec.Encoded encoded = codec.encode(name, value);
        if (!attributes.containsKey(name) && attributes.size() >= settings.maxAttributes()) {
            throw new AttributeSerializationException(name, AttributeSerializationException.Reason.TOO_MANY_ATTRIBUTES,
                    "attribute '" + name + "' would be attribute number " + (attributes.size() + 1) + " of the session, more"
                            + " than " + SessionSettings.SESSION_MAX_ATTRIBUTES + " (" + settings.maxAttributes() + ")", null);
        }
        checkSessionSize(name, encoded.bytes());
        JsonNode node = encoded.json();
        writableAttributes().put(name, node);
        set.put(name, node);
        sizes.put(name, encoded.bytes());
        removed.remove(name);
        increments.remove(name);
        unreadable.remove(name);
        live.put(name, new Live(value, node));
    }

    /** The size of the attributes as JSON, as {@code SESSION_MAX_BYTES} counts it. */
    int encodedSize() {
        long total = 0;
        for (Map.Entry<String, JsonNode> entry : attributes.entrySet()) {
            total += sizes.computeIfAbsent(entry.getKey(), k -> SessionJson.byteSize(entry.getValue()));
        }
        return (int) Math.min(Integer.MAX_VALUE, total);
    }

    private void checkSessionSize(String name, int bytes) {
        long total = bytes;
        for (Map.Entry<String, JsonNode> entry : attributes.entrySet()) {
            if (!entry.getKey().equals(name)) {
                total += sizes.computeIfAbsent(entry.getKey(), k -> SessionJson.byteSize(entry.getValue()));
            }
        }
        if (total > settings.maxSessionBytes()) {
            throw new AttributeSerializationException(name, AttributeSerializationException.Reason.SESSION_TOO_LARGE,
                    "attribute '" + name + "' would make the session's attributes " + total + " bytes of JSON, more than "
                            + SessionSettings.SESSION_MAX_SESSION_SIZE + " (" + settings.maxSessionBytes() + ")", null);
        }
    }

    /** Decodes typed JSON and remembers it, or marks the attribute unreadable (one WARN) and returns null. */
    private Object decode(String name, JsonNode node) {
        try {
            Object value = codec.decode(node);
            remember(name, value, node);
            return value;
        } catch (AttributeCodec.Unreadable e) {
            if (unreadable.add(name)) {
                LOG.warn("sessionkit: attribute '{}' of session {}… holds {}, which cannot be read ({}); it is left out"
                        + " of this request and kept in the store as it is", name, id.lookupKey().prefix(), e.typeName(),
                        e.getMessage().substring(e.typeName().length() + 2));
            }
            return null;
        }
    }

    private void remember(String name, Object value, JsonNode node) {
        live.put(name, new Live(value, node));
    }

    /** Removes an attribute; nothing happens when it is absent. */
    public void remove(String name) {
        check();
        Objects.requireNonNull(name, "name");
        boolean had = attributes.containsKey(name) && writableAttributes().remove(name) != null;
        boolean pending = set.remove(name) != null | increments.remove(name) != null;
        live.remove(name);
        unreadable.remove(name);
        sizes.remove(name);
        if (had || pending) {
            removed.add(name);
        }
    }

    /** Removes every attribute, unreadable ones too (the principal stays); for example when a different user signs in. */
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
        writableAttributes().put(name, SessionDelta.numberNode(value));
        live.remove(name);
        unreadable.remove(name);
        sizes.remove(name);
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

    /**
     * True when the request's cookie named the id this session had before its last renewal (the
     * store found it through its previous key, in the grace period): such a request must never be
     * sent a cookie, which could only carry that old id.
     */
    boolean onPreviousId() {
        return stored != null && previousId == null && !id.lookupKey().equals(stored.key());
    }

    /** After {@link SessionStore#renewKey}: the session goes on under {@code newId}. */
    void renewed(SessionId newId, SessionData newStored) {
        id = newId;
        committed(newStored);
    }

    /** The delta of this request; {@code now} fixes a restarted absolute lifetime. */
    SessionDelta delta(Instant now) {
        saveChangedValues();
        if (absoluteChanged) {
            absoluteExpiresAt = now.plus(settings.absoluteTtl());
        }
        if (set.isEmpty() && removed.isEmpty() && increments.isEmpty() && !absoluteChanged && !idleTimeoutChanged
                && !principalChanged) {
            return SessionDelta.empty(); // most requests: nothing to copy into a delta
        }
        SessionDelta.Builder delta = SessionDelta.builder().setAll(set).removeAll(removed).incrementAll(increments)
                .absoluteExpiresAt(absoluteChanged ? absoluteExpiresAt : null)
                .idleTimeout(idleTimeoutChanged ? idleTimeout : null);
        if (principalChanged) {
            delta.principal(principal);
        }
        return delta.build();
    }

    /** The full snapshot to create, for a new session. */
    SessionData toNewData(Instant now) {
        saveChangedValues();
        if (absoluteChanged) {
            absoluteExpiresAt = now.plus(settings.absoluteTtl());
        }
        return SessionData.builder()
                .key(id.lookupKey())
                .attributes(attributes)
                .principal(principal)
                .createdAt(createdAt)
                .lastAccessedAt(now)
                .idleExpiresAt(now.plus(idleTimeout))
                .absoluteExpiresAt(absoluteExpiresAt)
                .idleTimeout(idleTimeout)
                .ip(ip)
                .userAgent(userAgent)
                .build();
    }

    /**
     * Encodes again the mutable values this request holds (all of them with {@link SaveMode#ON_CHANGE},
     * those it set with {@link SaveMode#ON_SET}) and records those whose JSON changed as set. A value
     * that can no longer be stored is left as it was stored, with a WARN: the request goes on.
     */
    private void saveChangedValues() {
        boolean all = settings.saveMode() == SaveMode.ON_CHANGE;
        for (Map.Entry<String, Live> entry : live.entrySet()) {
            String name = entry.getKey();
            Live value = entry.getValue();
            if (AttributeCodec.immutable(value.value()) || !(all || set.containsKey(name))) {
                continue;
            }
            if (AttributeCodec.sameJson(codec.snapshot(value.value()), value.json())) {
                continue; // unchanged: the common case, decided without the checks of a set
            }
            AttributeCodec.Encoded now;
            try {
                now = codec.encode(name, value.value());
                checkSessionSize(name, now.bytes());
            } catch (AttributeSerializationException e) {
                LOG.warn("sessionkit: attribute '{}' changed in place but cannot be stored any more ({}); the stored value"
                        + " is kept", name, e.reason());
                continue;
            }
            writableAttributes().put(name, now.json());
            set.put(name, now.json());
            sizes.put(name, now.bytes());
            removed.remove(name);
            increments.remove(name);
            entry.setValue(new Live(value.value(), now.json()));
        }
    }

    private Map<String, JsonNode> writableAttributes() {
        if (attributesShared) {
            attributes = new HashMap<>(attributes);
            attributesShared = false;
        }
        return attributes;
    }

    /** After a successful write: the store's view becomes the base, pending changes are cleared. */
    void committed(SessionData newStored) {
        stored = newStored;
        attributes = newStored.attributes();
        attributesShared = true;
        // a value another request changed meanwhile is read again; the others stay the same instances
        live.entrySet().removeIf(e -> !AttributeCodec.sameJson(attributes.get(e.getKey()), e.getValue().json()));
        unreadable.retainAll(attributes.keySet());
        sizes.clear();
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

    /** A Java value of this request and the JSON it was read from or last written as. */
    private record Live(Object value, JsonNode json) {
    }
}
