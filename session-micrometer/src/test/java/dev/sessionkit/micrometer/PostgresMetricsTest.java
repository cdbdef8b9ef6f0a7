package dev.sessionkit.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.sessionkit.RequestInfo;
import dev.sessionkit.SessionContext;
import dev.sessionkit.SessionManager;
import dev.sessionkit.SessionSettings;
import dev.sessionkit.postgres.PostgresSessionStore;
import dev.sessionkit.postgres.PostgresStoreSettings;
import dev.sessionkit.testkit.MutableClock;
import dev.sessionkit.testkit.postgres.PostgresFixture;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The binding on the real PostgreSQL store: its own pool's Hikari meters, and rejections it can tell apart. */
final class PostgresMetricsTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef-postgres";

    private final PostgresFixture.Database database = PostgresFixture.freshDatabase();
    private final MutableClock clock = MutableClock.create();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final PostgresSessionStore store = PostgresSessionStore.builder()
            .settings(PostgresStoreSettings.builder().databaseUrl(database.databaseUrl()).build()).build();
    private final SessionManager manager = SessionkitMetrics.builder(registry).build()
            .build(SessionManager.builder().settings(SessionSettings.builder().secrets(SECRET)
                    .ttl(Duration.ofMinutes(30)).build()).store(store, true).clock(clock).sweeper(false));

    @AfterEach
    void close() {
        manager.close();
        database.close();
    }

    private String newSession() {
        SessionContext context = manager.resolve(RequestInfo.ofCookie(null));
        context.getOrCreate().set("a", 1);
        String cookie = manager.commit(context).setCookie().orElseThrow();
        return cookie.substring(0, cookie.indexOf(';'));
    }

    @Test
    void theStoresOwnPoolReportsHikariMeters() {
        newSession();

        HikariDataSource pool = store.unwrap(HikariDataSource.class).orElseThrow();
        assertThat(pool.getMetricsTrackerFactory()).isNotNull();
        Meter connections = registry.get("hikaricp.connections").tag("pool", pool.getPoolName()).meter();
        assertThat(connections).isNotNull();
        assertThat(registry.get("hikaricp.connections.usage").tag("pool", pool.getPoolName()).timer().count())
                .isPositive();
    }

    @Test
    void cookiesOfEndedAndExpiredSessionsAreToldApart() {
        String ended = newSession();
        SessionContext context = manager.resolve(RequestInfo.ofCookie(ended));
        context.session().orElseThrow().invalidate();
        manager.commit(context);
        String expired = newSession();

        manager.resolve(RequestInfo.ofCookie(ended));
        clock.advance(Duration.ofMinutes(31));
        manager.resolve(RequestInfo.ofCookie(expired));

        assertThat(registry.get("sessionkit.cookies.rejected").tag("reason", "ended").counter().count()).isEqualTo(1);
        assertThat(registry.get("sessionkit.cookies.rejected").tag("reason", "expired").counter().count()).isEqualTo(1);
        assertThat(registry.get("sessionkit.sessions.active").gauge().value()).isZero();
        assertThat(registry.get(SessionkitMetrics.STORE_OPERATIONS).tags("operation", "stats", "outcome", "ok").timer()
                .count()).isEqualTo(1);
    }

    @Test
    void theWriteBehindTouchQueueReportsItsCounters() {
        String cookie = newSession();
        clock.advance(Duration.ofMinutes(5)); // past the touch interval (a tenth of the TTL)

        manager.commit(manager.resolve(RequestInfo.ofCookie(cookie)));
        assertThat(registry.get("sessionkit.touches.queued").functionCounter().count()).isEqualTo(1);
        assertThat(registry.get("sessionkit.touches.pending").gauge().value()).isEqualTo(1);
        store.flush();

        assertThat(registry.get("sessionkit.touches.written").functionCounter().count()).isEqualTo(1);
        assertThat(registry.get("sessionkit.touches.dropped").functionCounter().count()).isZero();
        assertThat(registry.get("sessionkit.touches.pending").gauge().value()).isZero();
        assertThat(registry.get("sessionkit.touches.queued").meter().getId().getTags()).isEmpty();
    }

    @Test
    void aStoreWithSyncTouchesHasNoQueueMeters() {
        SimpleMeterRegistry other = new SimpleMeterRegistry();
        try (PostgresSessionStore sync = PostgresSessionStore.builder().dataSource(database.dataSource())
                .settings(PostgresStoreSettings.builder().table("sync_touches")
                        .touchMode(PostgresStoreSettings.TouchMode.SYNC).build()).build();
                SessionManager m = SessionkitMetrics.builder(other).build().build(SessionManager.builder()
                        .settings(SessionSettings.builder().secrets(SECRET).build()).store(sync).sweeper(false))) {
            assertThat(sync.unwrap(dev.sessionkit.postgres.TouchQueueCounters.class)).isEmpty();
            assertThat(other.find("sessionkit.touches.queued").meters()).isEmpty();
        }
    }

    @Test
    void aStoreGivenADataSourceHasNoPoolToBind() {
        SimpleMeterRegistry other = new SimpleMeterRegistry();
        try (PostgresSessionStore given = PostgresSessionStore.builder().dataSource(database.dataSource())
                .settings(PostgresStoreSettings.builder().table("given").build()).build();
                SessionManager m = SessionkitMetrics.builder(other).build().build(SessionManager.builder()
                        .settings(SessionSettings.builder().secrets(SECRET).build()).store(given).sweeper(false))) {
            assertThat(given.unwrap(HikariDataSource.class)).isEmpty();
            assertThat(other.find("hikaricp.connections").meters()).isEmpty();
            assertThat(other.find("sessionkit.sessions.active").gauges()).hasSize(1);
        }
    }
}
