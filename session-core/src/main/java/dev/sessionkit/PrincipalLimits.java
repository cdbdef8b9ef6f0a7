package dev.sessionkit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The decision of {@link SessionStore#limitPrincipal}, for stores that hold the principal's lock
 * and have its other live sessions in hand: which keys end, and with which status.
 */
final class PrincipalLimits {

    private PrincipalLimits() {
    }

    /** Ends what the limit says must end, through {@code store.end}; returns the keys ended, oldest first. */
    static List<LookupKey> apply(SessionStore store, List<SessionData> others, LookupKey current, int max,
            SessionLimitMode mode, Instant now) {
        List<LookupKey> ended = new ArrayList<>();
        if (mode == SessionLimitMode.REFUSE_NEW) {
            if (others.size() >= max && store.end(current, SessionStatus.REVOKED, now)) {
                ended.add(current);
            }
            return ended;
        }
        List<SessionData> oldestFirst = new ArrayList<>(others);
        oldestFirst.sort(Comparator.comparing(SessionData::createdAt).thenComparing(s -> s.key().value()));
        // a current session that an earlier login already replaced takes no place
        int excess = oldestFirst.size() + (store.load(current, now).isPresent() ? 1 : 0) - max;
        for (int i = 0; i < excess && i < oldestFirst.size(); i++) {
            LookupKey key = oldestFirst.get(i).key();
            if (store.end(key, SessionStatus.REPLACED, now)) {
                ended.add(key);
            }
        }
        return ended;
    }
}
