package dev.sessionkit.testkit;

import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionData;
import dev.sessionkit.SessionDelta;
import dev.sessionkit.SessionJson;
import dev.sessionkit.SessionStats;
import dev.sessionkit.SessionStatus;
import dev.sessionkit.SessionStore;
import dev.sessionkit.Touch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs the contract against the simplest store that can pass it, one lock around a map, so the
 * suite itself is known to be consistent before a real store meets it. Its checks are core's
 * ({@link SessionJson#validate(SessionData)}, {@link SessionJson#clientText(String)}), as any
 * third-party store's can be.
 */
final class ReferenceStoreContractTest extends SessionStoreContract {

    @Override
    protected SessionStore newStore(MutableClock clock) {
        return new ReferenceStore();
    }

    @Override
    protected void corrupt(SessionStore store, LookupKey key) {
        ((ReferenceStore) store).corrupt(key);
    }

    /** Snapshots in a map behind one lock; ended sessions are kept as an audit trail. */
    static final class ReferenceStore implements SessionStore {
        private final Map<LookupKey, SessionData> sessions = new HashMap<>();
        private final Set<LookupKey> corrupted = new HashSet<>();
        /** A renewed session's previous key: current key to the previous key and the end of its grace. */
        private final Map<LookupKey, Map.Entry<LookupKey, Instant>> previous = new HashMap<>();
        private boolean closed;

        synchronized void corrupt(LookupKey key) {
            corrupted.add(key);
        }

        @Override
        public String name() {
            return "reference";
        }

        /** The current key of the session {@code key} names: itself, or the session it is the previous key of. */
        private LookupKey resolve(LookupKey key, Instant now) {
            if (sessions.containsKey(key)) {
                return key;
            }
            for (Map.Entry<LookupKey, Map.Entry<LookupKey, Instant>> entry : previous.entrySet()) {
                if (entry.getValue().getKey().equals(key) && now.isBefore(entry.getValue().getValue())) {
                    return entry.getKey();
                }
            }
            return key;
        }

        private SessionData live(LookupKey key, Instant now) {
            key = resolve(key, now);
            SessionData data = sessions.get(key);
            return data != null && !corrupted.contains(key) && data.isLive(now) ? data : null;
        }

        @Override
        public synchronized Optional<SessionData> load(LookupKey key, Instant now) {
            requireOpen();
            return Optional.ofNullable(live(key, now));
        }

        @Override
        public synchronized Optional<SessionStatus> statusOf(LookupKey key, Instant now) {
            requireOpen();
            SessionData data = sessions.get(resolve(key, now));
            if (data == null) {
                return Optional.empty();
            }
            return Optional.of(data.status() == SessionStatus.ACTIVE && !data.isLive(now) ? SessionStatus.EXPIRED
                    : data.status());
        }

        @Override
        public synchronized boolean create(SessionData session) {
            requireOpen();
            SessionJson.validate(session);
            SessionData clean = session.toBuilder().ip(SessionJson.clientText(session.ip()))
                    .userAgent(SessionJson.clientText(session.userAgent())).build();
            return sessions.putIfAbsent(session.key(), clean) == null;
        }

        @Override
        public synchronized Optional<SessionData> apply(LookupKey key, SessionDelta delta, Instant now) {
            requireOpen();
            SessionJson.validate(delta);
            SessionData data = live(key, now);
            if (data == null) {
                return Optional.empty();
            }
            SessionData applied = data.apply(delta);
            sessions.put(data.key(), applied);
            return Optional.of(applied);
        }

        @Override
        public synchronized Optional<SessionData> changeKey(LookupKey oldKey, LookupKey newKey, SessionDelta delta,
                Instant now) {
            requireOpen();
            SessionJson.validate(delta);
            SessionData data = live(oldKey, now);
            if (data == null || sessions.containsKey(newKey)) {
                return Optional.empty();
            }
            sessions.remove(data.key());
            previous.remove(data.key());
            SessionData moved = data.toBuilder().key(newKey).keyIssuedAt(now).build().apply(delta);
            sessions.put(newKey, moved);
            return Optional.of(moved);
        }

        @Override
        public synchronized Optional<SessionData> renewKey(LookupKey oldKey, LookupKey newKey, SessionDelta delta,
                Instant graceUntil, Instant now) {
            requireOpen();
            SessionJson.validate(delta);
            SessionStore.requireGrace(graceUntil, now);
            SessionData data = sessions.containsKey(oldKey) ? live(oldKey, now) : null;
            if (data == null || sessions.containsKey(newKey)) {
                return Optional.empty();
            }
            sessions.remove(oldKey);
            previous.remove(oldKey);
            previous.put(newKey, Map.entry(oldKey, graceUntil));
            SessionData renewed = data.toBuilder().key(newKey).keyIssuedAt(now).build().apply(delta);
            sessions.put(newKey, renewed);
            return Optional.of(renewed);
        }

        @Override
        public synchronized boolean touch(LookupKey key, Touch touch, Instant now) {
            requireOpen();
            SessionData data = live(key, now);
            if (data == null) {
                return false;
            }
            sessions.put(data.key(), data.touched(touch));
            return true;
        }

        @Override
        public synchronized boolean end(LookupKey key, SessionStatus reason, Instant now) {
            requireOpen();
            SessionStore.requireEndReason(reason);
            SessionData data = live(key, now);
            if (data == null) {
                return false;
            }
            sessions.put(data.key(), data.withStatus(reason));
            previous.remove(data.key());
            return true;
        }

        @Override
        public synchronized List<SessionData> findByPrincipal(String principal, Instant now) {
            requireOpen();
            return liveSorted(now).stream().filter(s -> principal.equals(s.principal())).toList();
        }

        @Override
        public synchronized int endByPrincipal(String principal, SessionStatus reason, Instant now) {
            requireOpen();
            SessionStore.requireEndReason(reason);
            int ended = 0;
            for (SessionData s : findByPrincipal(principal, now)) {
                ended += end(s.key(), reason, now) ? 1 : 0;
            }
            return ended;
        }

        @Override
        public synchronized List<LookupKey> limitPrincipal(String principal, LookupKey current, int max,
                dev.sessionkit.SessionLimitMode mode, Instant now) {
            requireOpen();
            return SessionStore.super.limitPrincipal(principal, current, max, mode, now);
        }

        @Override
        public synchronized List<SessionData> findLive(Instant now, int limit) {
            requireOpen();
            SessionStore.requireLimit(limit);
            List<SessionData> live = liveSorted(now);
            return live.subList(0, Math.min(limit, live.size()));
        }

        private List<SessionData> liveSorted(Instant now) {
            List<SessionData> live = new ArrayList<>();
            for (LookupKey key : sessions.keySet()) {
                SessionData data = live(key, now);
                if (data != null) {
                    live.add(data);
                }
            }
            live.sort(Comparator.comparing(SessionData::createdAt));
            return live;
        }

        @Override
        public synchronized List<LookupKey> purgeExpired(Instant now, int limit) {
            requireOpen();
            SessionStore.requireLimit(limit);
            List<LookupKey> purged = new ArrayList<>();
            for (Iterator<SessionData> it = sessions.values().iterator(); it.hasNext() && purged.size() < limit; ) {
                SessionData data = it.next();
                if (data.status() == SessionStatus.ACTIVE && !data.isLive(now)) {
                    it.remove();
                    purged.add(data.key());
                }
            }
            return purged;
        }

        @Override
        public synchronized SessionStats stats(Instant now) {
            requireOpen();
            long active = sessions.values().stream().filter(s -> s.isLive(now)).count();
            long expired = sessions.values().stream()
                    .filter(s -> s.status() == SessionStatus.ACTIVE && !s.isLive(now)).count();
            return new SessionStats(sessions.size(), active, expired);
        }

        @Override
        public synchronized void close() {
            closed = true;
        }

        private void requireOpen() {
            if (closed) {
                throw new IllegalStateException("closed");
            }
        }
    }
}
