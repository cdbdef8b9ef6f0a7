package dev.sessionkit.spring;

import dev.sessionkit.SessionManager;
import dev.sessionkit.StoreUnavailableException;
import java.util.Objects;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * Health of the session store: up when it answers {@link dev.sessionkit.SessionStore#ping()},
 * down (with the failed operation, never a session id) when it does not.
 */
public final class SessionStoreHealthIndicator extends AbstractHealthIndicator {

    private final SessionManager manager;

    /** An indicator for {@code manager}'s store. */
    public SessionStoreHealthIndicator(SessionManager manager) {
        super("sessionkit: the session store health check failed");
        this.manager = Objects.requireNonNull(manager, "manager");
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        builder.withDetail("store", manager.store().name());
        try {
            manager.store().ping();
            builder.up();
        } catch (StoreUnavailableException e) {
            builder.down().withDetail("operation", e.operation()).withDetail("error", e.getMessage());
        }
    }
}
