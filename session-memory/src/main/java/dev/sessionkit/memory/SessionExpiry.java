package dev.sessionkit.memory;

import com.github.benmanes.caffeine.cache.Expiry;
import dev.sessionkit.LookupKey;

/**
 * Lets Caffeine drop an entry when its session's earlier expiry passes. This only reclaims
 * memory: the store checks liveness against the caller's {@code now} on every operation, so
 * nothing depends on when Caffeine gets round to it. Reads never extend an entry; only writes
 * that move the session's expiry do, because each write recomputes it from the stored times.
 */
final class SessionExpiry implements Expiry<LookupKey, StoredSession> {

    private final ClockTicker ticker;

    SessionExpiry(ClockTicker ticker) {
        this.ticker = ticker;
    }

    @Override
    public long expireAfterCreate(LookupKey key, StoredSession value, long currentTime) {
        return untilExpiry(value, currentTime);
    }

    @Override
    public long expireAfterUpdate(LookupKey key, StoredSession value, long currentTime, long currentDuration) {
        return untilExpiry(value, currentTime);
    }

    @Override
    public long expireAfterRead(LookupKey key, StoredSession value, long currentTime, long currentDuration) {
        return currentDuration;
    }

    private long untilExpiry(StoredSession value, long currentTime) {
        return Math.max(0L, ticker.toTicks(value.expiresAt()) - currentTime);
    }
}
