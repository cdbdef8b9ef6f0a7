package dev.sessionkit.servlet;

import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionData;
import dev.sessionkit.SessionDelta;
import dev.sessionkit.SessionStats;
import dev.sessionkit.SessionStatus;
import dev.sessionkit.SessionStore;
import dev.sessionkit.Touch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A minimal map-backed store, used until the Caffeine store is published. */
final class MapSessionStore implements SessionStore {

    private final ConcurrentHashMap<LookupKey, SessionData> map = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "map";
    }

    @Override
    public Optional<SessionData> load(LookupKey key, Instant now) {
        return Optional.ofNullable(map.get(key)).filter(d -> d.isLive(now));
    }

    @Override
    public boolean create(SessionData session) {
        return map.putIfAbsent(session.key(), session) == null;
    }

    @Override
    public synchronized Optional<SessionData> apply(LookupKey key, SessionDelta delta, Instant now) {
        SessionData d = map.get(key);
        if (d == null || !d.isLive(now)) {
            return Optional.empty();
        }
        SessionData after = d.apply(delta);
        map.put(key, after);
        return Optional.of(after);
    }

    @Override
    public synchronized Optional<SessionData> changeKey(LookupKey oldKey, LookupKey newKey, SessionDelta delta,
            Instant now) {
        SessionData d = map.get(oldKey);
        if (d == null || !d.isLive(now) || map.containsKey(newKey)) {
            return Optional.empty();
        }
        SessionData after = d.apply(delta).withKey(newKey);
        map.remove(oldKey);
        map.put(newKey, after);
        return Optional.of(after);
    }

    @Override
    public synchronized boolean touch(LookupKey key, Touch touch, Instant now) {
        SessionData d = map.get(key);
        if (d == null || !d.isLive(now)) {
            return false;
        }
        map.put(key, d.touched(touch));
        return true;
    }

    @Override
    public synchronized boolean end(LookupKey key, SessionStatus reason, Instant now) {
        SessionData d = map.get(key);
        if (d == null || !d.isLive(now)) {
            return false;
        }
        map.remove(key);
        return true;
    }

    @Override
    public List<SessionData> findByPrincipal(String principal, Instant now) {
        return new ArrayList<>();
    }

    @Override
    public int endByPrincipal(String principal, SessionStatus reason, Instant now) {
        return 0;
    }

    @Override
    public List<SessionData> findLive(Instant now, int limit) {
        return new ArrayList<>();
    }

    @Override
    public List<LookupKey> purgeExpired(Instant now, int limit) {
        return new ArrayList<>();
    }

    @Override
    public SessionStats stats(Instant now) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
    }
}
