package dev.sessionkit.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionkit.LookupKey;
import dev.sessionkit.RequestInfo;
import dev.sessionkit.SessionContext;
import dev.sessionkit.SessionManager;
import dev.sessionkit.SessionSettings;
import dev.sessionkit.SessionStatus;
import dev.sessionkit.StoreUnavailableException;
import dev.sessionkit.memory.CaffeineSessionStore;
import dev.sessionkit.testkit.FailingStore;
import dev.sessionkit.testkit.MutableClock;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

final class SessionkitMetricsTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef-metrics";

    private final MutableClock clock = MutableClock.create();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final FailingStore store = FailingStore.wrapping(CaffeineSessionStore.builder().clock(clock).build());
    private final SessionManager manager = SessionkitMetrics.builder(registry).activeSessionsCacheTime(Duration.ofSeconds(10))
            .build().build(SessionManager.builder()
                    .settings(SessionSettings.builder().secrets(SECRET).ttl(Duration.ofMinutes(30))
                            .absoluteTtl(Duration.ofHours(8)).build())
                    .store(store).clock(clock).sweeper(false));
    /** Every cookie value and handle the traffic made, to look for in tags. */
    private final List<String> secrets = new ArrayList<>();

    @AfterEach
    void close() {
        manager.close();
    }

    private String request(String cookie, Consumer<SessionContext> work) {
        SessionContext context = manager.resolve(RequestInfo.ofCookie(cookie));
        work.accept(context);
        context.session().ifPresent(s -> secrets.add(s.handle()));
        return manager.commit(context).setCookie().map(c -> c.substring(0, c.indexOf(';'))).orElse(cookie);
    }

    private String newSession() {
        String cookie = request(null, c -> c.getOrCreate().set("cart", List.of("apples", "pears")));
        secrets.add(cookie.substring(cookie.indexOf('=') + 1));
        return cookie;
    }

    private double count(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    private long timed(String name, String... tags) {
        return registry.get(name).tags(tags).timers().stream().mapToLong(Timer::count).sum();
    }

    @Test
    void lifeCycleCountersMoveWithTheirEvents() {
        String first = newSession();
        String second = newSession();
        String rotated = request(first, c -> c.session().orElseThrow().regenerateId());
        request(rotated, c -> c.session().orElseThrow().invalidate());
        String handle = manager.resolve(RequestInfo.ofCookie(second)).session().orElseThrow().handle();
        manager.revoke(handle, SessionStatus.REVOKED);

        assertThat(count("sessionkit.sessions.started")).isEqualTo(2);
        assertThat(count("sessionkit.sessions.id.rotations")).isEqualTo(1);
        assertThat(count("sessionkit.sessions.ended", "reason", "logged-out")).isEqualTo(1);
        assertThat(count("sessionkit.sessions.ended", "reason", "revoked")).isEqualTo(1);
        assertThat(count("sessionkit.sessions.ended", "reason", "expired")).isZero();
        assertThat(count("sessionkit.sessions.ended", "reason", "replaced")).isZero();
    }

    @Test
    void aPurgeCountsEndedExpiredAndTheSweep() {
        newSession();
        newSession();
        clock.advance(Duration.ofHours(9));

        assertThat(manager.sweepNow()).isEqualTo(2);

        assertThat(count("sessionkit.sessions.ended", "reason", "expired")).isEqualTo(2);
        assertThat(count("sessionkit.sweep.purged")).isEqualTo(2);
        assertThat(count("sessionkit.sweep.batches")).isEqualTo(1);
        assertThat(timed("sessionkit.sweeps", "outcome", "ok")).isEqualTo(1);
        assertThat(timed(SessionkitMetrics.STORE_OPERATIONS, "operation", "purge", "outcome", "ok")).isEqualTo(1);
    }

    @Test
    void eventsFromOtherInstancesAreNotCounted() {
        MeterListener listener = new MeterListener(registry);

        listener.sessionEndedElsewhere(new LookupKey("a".repeat(64)), SessionStatus.LOGGED_OUT);
        listener.sessionEndedElsewhere(new LookupKey("a".repeat(64)), SessionStatus.EXPIRED);
        listener.sessionIdChangedElsewhere(new LookupKey("a".repeat(64)), new LookupKey("b".repeat(64)));

        assertThat(registry.find("sessionkit.sessions.ended").counters()).allMatch(c -> c.count() == 0);
        assertThat(count("sessionkit.sessions.id.rotations")).isZero();
    }

    @Test
    void aForgedCookieIsRejectedAsBadSignatureAndEachReasonHasItsCounter() {
        String cookie = newSession();
        String name = cookie.substring(0, cookie.indexOf('='));
        String value = cookie.substring(cookie.indexOf('=') + 1);
        char last = value.charAt(value.length() - 1);
        String forged = name + "=" + value.substring(0, value.length() - 1) + (last == 'A' ? 'B' : 'A');

        manager.resolve(RequestInfo.ofCookie(forged));
        manager.resolve(RequestInfo.ofCookie(name + "=not-a-session"));
        request(cookie, c -> c.session().orElseThrow().invalidate());
        manager.resolve(RequestInfo.ofCookie(cookie));
        String expiring = newSession();
        clock.advance(Duration.ofMinutes(31));
        manager.resolve(RequestInfo.ofCookie(expiring));

        assertThat(count("sessionkit.cookies.rejected", "reason", "bad-signature")).isEqualTo(1);
        assertThat(count("sessionkit.cookies.rejected", "reason", "malformed")).isEqualTo(1);
        // the memory store forgets ended and expired sessions at once; PostgresMetricsTest sees "ended" and "expired"
        assertThat(count("sessionkit.cookies.rejected", "reason", "unknown")).isEqualTo(2);
        assertThat(count("sessionkit.cookies.rejected", "reason", "expired")).isZero();
        assertThat(count("sessionkit.cookies.rejected", "reason", "ended")).isZero();
    }

    @Test
    void requestStepsAndStoreCallsAreTimedWithTheirOutcome() {
        String cookie = newSession();
        request(cookie, c -> c.session().orElseThrow().set("n", 1));
        store.fail(FailingStore.Operation.LOAD);

        assertThatThrownBy(() -> manager.resolve(RequestInfo.ofCookie(cookie))).isInstanceOf(StoreUnavailableException.class);

        assertThat(timed(SessionkitMetrics.REQUEST_STEPS, "step", "resolve", "outcome", "ok", "error", "none")).isEqualTo(2);
        assertThat(timed(SessionkitMetrics.REQUEST_STEPS, "step", "commit", "outcome", "ok")).isEqualTo(2);
        assertThat(timed(SessionkitMetrics.REQUEST_STEPS, "step", "resolve", "outcome", "unavailable", "error",
                "StoreUnavailableException")).isEqualTo(1);
        assertThat(timed(SessionkitMetrics.STORE_OPERATIONS, "operation", "create", "outcome", "ok")).isEqualTo(1);
        assertThat(timed(SessionkitMetrics.STORE_OPERATIONS, "operation", "apply", "outcome", "ok")).isEqualTo(1);
        assertThat(timed(SessionkitMetrics.STORE_OPERATIONS, "operation", "load", "outcome", "ok")).isEqualTo(1);
        assertThat(timed(SessionkitMetrics.STORE_OPERATIONS, "operation", "load", "outcome", "unavailable")).isEqualTo(1);
    }

    @Test
    void theEncodedSizeOfEveryWriteIsRecorded() {
        String cookie = newSession();
        request(cookie, c -> c.session().orElseThrow().set("note", "x".repeat(500)));

        var size = registry.get("sessionkit.session.size").summary();
        assertThat(size.count()).isEqualTo(2);
        assertThat(size.max()).isGreaterThan(500);
        assertThat(size.getId().getBaseUnit()).isEqualTo("bytes");
    }

    @Test
    void histogramsAreOffByDefaultAndASwitchTurnsThemOn() {
        assertThat(scrapeAfterOneSession(false)).contains("sessionkit_store_operations_seconds_count{")
                .doesNotContain("_bucket");
        assertThat(scrapeAfterOneSession(true)).contains("sessionkit_store_operations_seconds_bucket{")
                .contains("sessionkit_request_steps_seconds_bucket{").contains("sessionkit_session_size_bytes_bucket{");
    }

    private static String scrapeAfterOneSession(boolean histograms) {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (SessionManager other = SessionkitMetrics.builder(prometheus).histograms(histograms).build()
                .build(SessionManager.builder().settings(SessionSettings.builder().secrets(SECRET).build())
                        .store(CaffeineSessionStore.builder().build()).sweeper(false))) {
            SessionContext context = other.resolve(RequestInfo.ofCookie(null));
            context.getOrCreate().set("a", 1);
            other.commit(context);
        }
        return prometheus.scrape();
    }

    @Test
    void thousandScrapesAskTheStoreOncePerCacheTime() {
        newSession();
        newSession();
        var gauge = registry.get("sessionkit.sessions.active").gauge();

        IntStream.range(0, 1_000).parallel().forEach(i -> assertThat(gauge.value()).isEqualTo(2));
        assertThat(timed(SessionkitMetrics.STORE_OPERATIONS, "operation", "stats")).isEqualTo(1);

        newSession();
        clock.advance(Duration.ofSeconds(9));
        IntStream.range(0, 1_000).forEach(i -> gauge.value());
        assertThat(gauge.value()).isEqualTo(2);
        clock.advance(Duration.ofSeconds(1));
        IntStream.range(0, 1_000).forEach(i -> assertThat(gauge.value()).isEqualTo(3));
        assertThat(timed(SessionkitMetrics.STORE_OPERATIONS, "operation", "stats")).isEqualTo(2);
    }

    @Test
    void aScrapeWhileTheStoreIsDownKeepsTheLastCountAndNeverThrows() {
        newSession();
        var gauge = registry.get("sessionkit.sessions.active").gauge();
        assertThat(gauge.value()).isEqualTo(1);
        store.failAll();
        clock.advance(Duration.ofSeconds(10));

        IntStream.range(0, 1_000).forEach(i -> assertThat(gauge.value()).isEqualTo(1));
        assertThat(timed(SessionkitMetrics.STORE_OPERATIONS, "operation", "stats", "outcome", "unavailable")).isEqualTo(1);
        assertThat(registry.getMetersAsString()).contains("sessionkit.sessions.active");

        store.recover();
        clock.advance(Duration.ofSeconds(10));
        assertThat(gauge.value()).isEqualTo(1);
    }

    @Test
    void aStoreDownBeforeTheFirstCountGivesNaN() {
        store.failAll();

        assertThat(registry.get("sessionkit.sessions.active").gauge().value()).isNaN();
    }

    @Test
    void monitoringAManagerTwiceRegistersItsMetersOnce() {
        SimpleMeterRegistry other = new SimpleMeterRegistry();
        SessionkitMetrics metrics = SessionkitMetrics.builder(other).build();
        try (SessionManager m = metrics.build(SessionManager.builder()
                .settings(SessionSettings.builder().secrets(SECRET).build())
                .store(CaffeineSessionStore.builder().build()).sweeper(false))) {
            metrics.monitor(m);

            assertThat(other.find("sessionkit.sessions.active").gauges()).hasSize(1);
        }
    }

    @Test
    void builderRefusesBadSettings() {
        SessionkitMetrics.Builder builder = SessionkitMetrics.builder(registry);

        assertThatThrownBy(() -> builder.activeSessionsCacheTime(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("activeSessionsCacheTime");
        builder.observations(io.micrometer.observation.ObservationRegistry.create());
        assertThatThrownBy(() -> builder.observations(io.micrometer.observation.ObservationRegistry.create()))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void noTagOfAnyMeterCarriesAnIdOrHandle() {
        for (int i = 0; i < 20; i++) {
            String cookie = newSession();
            cookie = request(cookie, c -> c.session().orElseThrow().login("user-" + secrets.size()));
            secrets.add(cookie.substring(cookie.indexOf('=') + 1));
            request(cookie, c -> c.session().orElseThrow().set("n", 1));
            manager.resolve(RequestInfo.ofCookie(cookie + "x"));
            if (i % 3 == 0) {
                request(cookie, c -> c.session().orElseThrow().invalidate());
            }
        }
        store.fail(FailingStore.Operation.APPLY);
        String cookie = newSession();
        assertThatThrownBy(() -> request(cookie, c -> c.session().orElseThrow().set("n", 2)))
                .isInstanceOf(StoreUnavailableException.class);
        store.recover();
        clock.advance(Duration.ofHours(9));
        manager.sweepNow();
        registry.get("sessionkit.sessions.active").gauge().value();

        List<Meter> meters = registry.getMeters();
        assertThat(meters).hasSizeGreaterThan(20);
        assertThat(secrets).hasSizeGreaterThan(40);
        for (Meter meter : meters) {
            for (Tag tag : meter.getId().getTags()) {
                assertThat(tag.getValue()).as("%s of %s", tag.getKey(), meter.getId().getName())
                        .matches("[a-zA-Z-]{1,40}").doesNotContain("user");
                for (String secret : secrets) {
                    assertThat(secret).doesNotContain(tag.getValue().length() >= 8 ? tag.getValue() : "\0");
                    assertThat(tag.getValue()).doesNotContain(secret.substring(0, 8));
                }
            }
        }
    }
}
