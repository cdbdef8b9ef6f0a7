package dev.sessionkit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A map-backed store for unit tests of the manager: it records the name of every write so a test
 * can assert exactly what a commit did. The real stores are tested by the contract suite.
 */
class RecordingStore implements SessionStore {

    final Map<LookupKey, SessionData> sessions = new ConcurrentHashMap<>();
    final List<String> writes = new ArrayList<>();
    /** A renewed session's previous key: previous key to the current key and the end of its grace. */
    final Map<LookupKey, Map.Entry<LookupKey, Instant>> previous = new ConcurrentHashMap<>();
    boolean down;

    @Override
    public String name() {
        return "recording";
    }

    /** Puts raw JSON under an attribute, as a store holding data of another deploy would. */
    void replaceAttribute(LookupKey key, String name, com.fasterxml.jackson.databind.JsonNode json) {
        SessionData current = sessions.get(key);
        Map<String, com.fasterxml.jackson.databind.JsonNode> attributes = new java.util.HashMap<>(current.attributes());
        attributes.put(name, json);
        sessions.put(key, current.withAttributes(attributes));
    }

    com.fasterxml.jackson.databind.JsonNode attribute(LookupKey key, String name) {
        return sessions.get(key).attributes().get(name);
    }

    private void checkUp(String operation) {
        if (down) {
            throw new StoreUnavailableException(operation, "store is down (test)", null);
        }
    }

    @Override
    public Optional<SessionData> load(LookupKey key, Instant now) {
        checkUp("load");
        return Optional.ofNullable(sessions.get(resolve(key, now))).filter(s -> s.isLive(now));
    }

    @Override
    public boolean create(SessionData session) {
        checkUp("create");
        writes.add("create");
        return sessions.putIfAbsent(session.key(), session) == null;
    }

    @Override
    public Optional<SessionData> apply(LookupKey key, SessionDelta delta, Instant now) {
        checkUp("apply");
        writes.add(delta.touch() == null ? "apply" : "apply+touch");
        key = resolve(key, now);
        SessionData current = sessions.get(key);
        if (current == null || !current.isLive(now)) {
            return Optional.empty();
        }
        SessionData after = current.apply(delta);
        sessions.put(key, after);
        return Optional.of(after);
    }

    @Override
    public Optional<SessionData> changeKey(LookupKey oldKey, LookupKey newKey, SessionDelta delta, Instant now) {
        checkUp("changeKey");
        writes.add("changeKey");
        oldKey = resolve(oldKey, now);
        SessionData current = sessions.get(oldKey);
        if (current == null || !current.isLive(now) || sessions.containsKey(newKey)) {
            return Optional.empty();
        }
        sessions.remove(oldKey);
        LookupKey moved = oldKey;
        previous.values().removeIf(e -> e.getKey().equals(moved));
        SessionData after = current.toBuilder().key(newKey).keyIssuedAt(now).build().apply(delta);
        sessions.put(newKey, after);
        return Optional.of(after);
    }

    @Override
    public Optional<SessionData> renewKey(LookupKey oldKey, LookupKey newKey, SessionDelta delta, Instant graceUntil,
            Instant now) {
        checkUp("renewKey");
        writes.add("renewKey");
        SessionData current = sessions.get(oldKey);
        if (current == null || !current.isLive(now) || sessions.containsKey(newKey)) {
            return Optional.empty();
        }
        sessions.remove(oldKey);
        previous.values().removeIf(e -> e.getKey().equals(oldKey));
        previous.put(oldKey, Map.entry(newKey, graceUntil));
        SessionData after = current.toBuilder().key(newKey).keyIssuedAt(now).build().apply(delta);
        sessions.put(newKey, after);
        return Optional.of(after);
    }

    /** The current key of the session {@code key} names: itself, or the session it is the previous key of. */
    private LookupKey resolve(LookupKey key, Instant now) {
        Map.Entry<LookupKey, Instant> renewed = previous.get(key);
        return renewed != null && now.isBefore(renewed.getValue()) ? renewed.getKey() : key;
    }

    @Override
    public boolean touch(LookupKey key, Touch touch, Instant now) {
        checkUp("touch");
        writes.add("touch");
        key = resolve(key, now);
        SessionData current = sessions.get(key);
        if (current == null || !current.isLive(now)) {
            return false;
        }
        sessions.put(key, current.touched(touch));
        return true;
    }

    @Override
    public boolean end(LookupKey key, SessionStatus reason, Instant now) {
        checkUp("end");
        writes.add("end");
        key = resolve(key, now);
        SessionData current = sessions.get(key);
        if (current == null || !current.isLive(now)) {
            return false;
        }
        sessions.put(key, current.withStatus(reason));
        return true;
    }

    @Override
    public Optional<SessionStatus> statusOf(LookupKey key, Instant now) {
        checkUp("load");
        SessionData data = sessions.get(resolve(key, now));
        if (data == null) {
            return Optional.empty();
        }
        return Optional.of(data.status() == SessionStatus.ACTIVE && !data.isLive(now) ? SessionStatus.EXPIRED
                : data.status());
    }

    @Override
    public List<SessionData> findByPrincipal(String principal, Instant now) {
        return sessions.values().stream().filter(s -> s.isLive(now) && principal.equals(s.principal()))
                .sorted(Comparator.comparing(SessionData::createdAt)).toList();
    }

    @Override
    public int endByPrincipal(String principal, SessionStatus reason, Instant now) {
        int n = 0;
        for (SessionData s : findByPrincipal(principal, now)) {
            n += end(s.key(), reason, now) ? 1 : 0;
        }
        return n;
    }

    @Override
    public List<SessionData> findLive(Instant now, int limit) {
        return sessions.values().stream().filter(s -> s.isLive(now)).limit(limit).toList();
    }

    @Override
    public List<LookupKey> purgeExpired(Instant now, int limit) {
        List<LookupKey> purged = new ArrayList<>();
        for (SessionData s : sessions.values()) {
            if (purged.size() < limit && s.status() == SessionStatus.ACTIVE && !s.isLive(now)) {
                sessions.remove(s.key());
                purged.add(s.key());
            }
        }
        return purged;
    }

    @Override
    public SessionStats stats(Instant now) {
        long active = sessions.values().stream().filter(s -> s.isLive(now)).count();
        long expired = sessions.values().stream()
                .filter(s -> s.status() == SessionStatus.ACTIVE && !s.isLive(now)).count();
        return new SessionStats(sessions.size(), active, expired);
    }

    @Override
    public void close() {
    }
}
