package dev.sessionkit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

final class MutableClockTest {

    @Test
    void createStartsAtDefaultStartInUtc() {
        MutableClock clock = MutableClock.create();

        assertThat(clock.instant()).isEqualTo(MutableClock.DEFAULT_START);
        assertThat(clock.millis()).isEqualTo(MutableClock.DEFAULT_START.toEpochMilli());
        assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
    }

    @Test
    void standsStillUntilMoved() {
        MutableClock clock = MutableClock.at(Instant.parse("2024-05-01T10:00:00Z"));

        assertThat(clock.instant()).isEqualTo(clock.instant()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
    }

    @Test
    void advanceMovesForwardAndReturnsNewTime() {
        MutableClock clock = MutableClock.create();

        Instant after = clock.advance(Duration.ofMinutes(90));

        assertThat(after).isEqualTo(MutableClock.DEFAULT_START.plus(Duration.ofMinutes(90)));
        assertThat(clock.instant()).isEqualTo(after);
    }

    @Test
    void advanceRejectsNegativeDuration() {
        MutableClock clock = MutableClock.create();

        assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThat(clock.instant()).isEqualTo(MutableClock.DEFAULT_START);
    }

    @Test
    void setMovesEitherWay() {
        MutableClock clock = MutableClock.create();

        clock.set(Instant.EPOCH);

        assertThat(clock.instant()).isEqualTo(Instant.EPOCH);
    }

    @Test
    void zoneViewSharesTime() {
        MutableClock clock = MutableClock.create();
        MutableClock paris = clock.withZone(ZoneId.of("Europe/Paris"));

        clock.advance(Duration.ofHours(1));

        assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
        assertThat(paris.instant()).isEqualTo(clock.instant());
        assertThat(clock.withZone(ZoneOffset.UTC)).isSameAs(clock);
    }

    @Test
    void concurrentAdvancesAreAllCounted() throws InterruptedException {
        MutableClock clock = MutableClock.create();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 1000; i++) {
                    clock.advance(Duration.ofNanos(1));
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }

        assertThat(clock.instant()).isEqualTo(MutableClock.DEFAULT_START.plusNanos(8000));
    }
}
