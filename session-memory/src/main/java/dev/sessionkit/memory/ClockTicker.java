package dev.sessionkit.memory;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Instant;

/**
 * Caffeine's time source, read from the store's {@link Clock}, so that a test clock drives
 * expiry as well. Readings are nanoseconds since the clock's time when the store was built;
 * keeping them near zero leaves Caffeine's arithmetic far from overflow.
 */
final class ClockTicker implements Ticker {

    /** Caffeine caps expiry at about 150 years; beyond that the exact value does not matter. */
    private static final long SATURATION = Long.MAX_VALUE >> 2;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long MAX_SECONDS = SATURATION / NANOS_PER_SECOND;

    private final Clock clock;
    private final Instant base;

    ClockTicker(Clock clock) {
        this.clock = clock;
        this.base = clock.instant();
    }

    @Override
    public long read() {
        return toTicks(clock.instant());
    }

    /** The reading this ticker gives at {@code instant}, saturated far beyond any session's life. */
    long toTicks(Instant instant) {
        long seconds = instant.getEpochSecond() - base.getEpochSecond();
        if (seconds > MAX_SECONDS) {
            return SATURATION;
        }
        if (seconds < -MAX_SECONDS) {
            return -SATURATION;
        }
        return seconds * NANOS_PER_SECOND + (instant.getNano() - base.getNano());
    }
}
