package dev.sessionkit.webflux;

import dev.sessionkit.Session;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.springframework.web.server.WebSession;
import reactor.core.publisher.Mono;

/**
 * The {@link WebSession} of one exchange: a view of the exchange's {@link dev.sessionkit.SessionContext}.
 *
 * <p>An exchange always has a {@code WebSession}, as WebFlux requires; the sessionkit session behind
 * it is created (in memory) only when something needs one, and stored, with a cookie, only when
 * an attribute is put or {@link #start()} is called. Reading an attribute of a visitor without a
 * session creates nothing. The id is the session's handle (its lookup key), never the secret id
 * that the cookie carries.
 */
final class ReactiveSession implements WebSession {

    private final ExchangeSession owner;
    private final AttributeMap attributes;

    ReactiveSession(ExchangeSession owner) {
        this.owner = owner;
        this.attributes = new AttributeMap(owner.context(), owner.principalAttribute());
    }

    ExchangeSession exchangeSession() {
        return owner;
    }

    /** The current session, if the request brought one or one was created. */
    private Optional<Session> current() {
        return owner.context().session();
    }

    /** The current session, created in memory (not stored) when there is none. */
    private Session session() {
        return owner.context().getOrCreate();
    }

    @Override
    public String getId() {
        return session().handle();
    }

    @Override
    public Map<String, Object> getAttributes() {
        return attributes;
    }

    @Override
    public void start() {
        owner.start();
    }

    /** True when the session is stored, or will be at commit (something was put, or it was started). */
    @Override
    public boolean isStarted() {
        return current().map(s -> !s.isNew() || s.isModified() || owner.started()).orElse(false);
    }

    /** Gives the session a new id, keeping its data, written at commit; nothing to do without a session. */
    @Override
    public Mono<Void> changeSessionId() {
        return Mono.fromRunnable(() -> current().ifPresent(Session::regenerateId));
    }

    /**
     * Logs out: the session ends in the store at commit, and the cookie is cleared, even a dead or
     * tampered one; attributes put afterwards go to a new session.
     */
    @Override
    public Mono<Void> invalidate() {
        return Mono.fromRunnable(() -> owner.context().invalidate());
    }

    /** Commits now, as the response's commit would; that later commit writes only what changed since. */
    @Override
    public Mono<Void> save() {
        return owner.commit();
    }

    @Override
    public boolean isExpired() {
        return current().map(s -> !owner.manager().clock().instant().isBefore(s.expiresAt())).orElse(false);
    }

    @Override
    public Instant getCreationTime() {
        return session().createdAt();
    }

    /** When the session's expiry was last written: it moves at the touch interval, not on every request. */
    @Override
    public Instant getLastAccessTime() {
        return session().lastAccessedAt();
    }

    /** Zero or negative ("never") keeps the session until its absolute expiry. */
    @Override
    public void setMaxIdleTime(Duration maxIdleTime) {
        session().setIdleTimeout(maxIdleTime.isNegative() || maxIdleTime.isZero()
                ? owner.manager().settings().absoluteTtl() : maxIdleTime);
    }

    @Override
    public Duration getMaxIdleTime() {
        return current().map(Session::idleTimeout).orElse(owner.manager().settings().ttl());
    }

    @Override
    public String toString() {
        return "ReactiveSession[" + current().map(Session::toString).orElse("none") + "]";
    }
}
