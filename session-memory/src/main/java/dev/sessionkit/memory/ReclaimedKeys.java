package dev.sessionkit.memory;

import dev.sessionkit.LookupKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keys of sessions that Caffeine dropped on expiry before anyone purged them. The store hands
 * them out from {@code purgeExpired}, so the sweeper reports them expired exactly as it would with
 * a database store. Bounded: when nobody sweeps, the oldest are forgotten.
 */
final class ReclaimedKeys {

    private record Reclaimed(LookupKey key, Instant expiresAt) {
    }

    private final int capacity;
    private final Queue<Reclaimed> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();

    ReclaimedKeys(int capacity) {
        this.capacity = capacity;
    }

    void add(LookupKey key, Instant expiresAt) {
        queue.add(new Reclaimed(key, expiresAt));
        if (size.incrementAndGet() > capacity && queue.poll() != null) {
            size.decrementAndGet();
        }
    }

    /**
     * Takes at most {@code limit} keys of sessions expired at {@code now}; those that expire later
     * (possible only when {@code now} lags the store's clock) stay for a later call.
     */
    List<LookupKey> take(Instant now, int limit) {
        List<LookupKey> taken = new ArrayList<>();
        List<Reclaimed> notYet = new ArrayList<>();
        int available = size.get();
        for (int i = 0; i < available && taken.size() < limit; i++) {
            Reclaimed next = queue.poll();
            if (next == null) {
                break;
            }
            size.decrementAndGet();
            if (next.expiresAt().isAfter(now)) {
                notYet.add(next);
            } else {
                taken.add(next.key());
            }
        }
        notYet.forEach(r -> add(r.key(), r.expiresAt()));
        return taken;
    }

    void clear() {
        queue.clear();
        size.set(0);
    }
}
