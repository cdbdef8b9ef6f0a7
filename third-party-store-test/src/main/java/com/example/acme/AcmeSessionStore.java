package com.example.acme;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionData;
import dev.sessionkit.SessionDelta;
import dev.sessionkit.SessionJson;
import dev.sessionkit.SessionLimitMode;
import dev.sessionkit.SessionStats;
import dev.sessionkit.SessionStatus;
import dev.sessionkit.SessionStore;
import dev.sessionkit.StoreUnavailableException;
import dev.sessionkit.Touch;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A session store on the acme server, written against the published SPI only. Each session is
 * one entry of encoded JSON bytes; every operation runs as one server transaction (the
 * namespace's lock). Ended sessions are removed, not kept for audit.
 */
final class AcmeSessionStore implements SessionStore {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AcmeSessionStore.class);

    private final AcmeServer.Namespace server;
    private final int maxSessions;
    private volatile boolean closed;

    AcmeSessionStore(AcmeServer.Namespace server, int maxSessions) {
        this.server = server;
        this.maxSessions = maxSessions;
    }

    int maxSessions() {
        return maxSessions;
    }

    @Override
    public String name() {
        return "acme";
    }

    @Override
    public Optional<SessionData> load(LookupKey key, Instant now) {
        return transaction(() -> Optional.ofNullable(live(key, now)));
    }

    @Override
    public boolean create(SessionData session) {
        SessionJson.validate(session);
        SessionData clean = session.toBuilder().ip(SessionJson.clientText(session.ip()))
                .userAgent(SessionJson.clientText(session.userAgent())).build();
        return transaction(() -> {
            if (server.entries.containsKey(session.key().value())) {
                return false;
            }
            if (server.entries.size() >= maxSessions) {
                throw new StoreUnavailableException("create", "the acme namespace is full (" + maxSessions
                        + " sessions)", null);
            }
            server.entries.put(session.key().value(), encode(clean));
            return true;
        });
    }

    @Override
    public Optional<SessionData> apply(LookupKey key, SessionDelta delta, Instant now) {
        SessionJson.validate(delta);
        return transaction(() -> {
            SessionData current = live(key, now);
            if (current == null) {
                return Optional.empty();
            }
            SessionData next = current.apply(delta);
            server.entries.put(current.key().value(), rewrite(current.key(), next));
            return Optional.of(next);
        });
    }

    @Override
    public Optional<SessionData> changeKey(LookupKey oldKey, LookupKey newKey, SessionDelta delta, Instant now) {
        SessionJson.validate(delta);
        return transaction(() -> {
            SessionData current = live(oldKey, now);
            if (current == null || server.entries.containsKey(newKey.value())) {
                return Optional.empty();
            }
            SessionData moved = current.toBuilder().key(newKey).keyIssuedAt(now).build().apply(delta);
            server.entries.remove(current.key().value());
            server.entries.put(newKey.value(), encode(moved));
            return Optional.of(moved);
        });
    }

    @Override
    public Optional<SessionData> renewKey(LookupKey oldKey, LookupKey newKey, SessionDelta delta, Instant graceUntil,
            Instant now) {
        SessionJson.validate(delta);
        SessionStore.requireGrace(graceUntil, now);
        return transaction(() -> {
            byte[] bytes = server.entries.get(oldKey.value());
            SessionData current = bytes == null ? null : decode(bytes);
            if (current == null || !current.isLive(now) || server.entries.containsKey(newKey.value())) {
                return Optional.empty();
            }
            SessionData renewed = current.toBuilder().key(newKey).keyIssuedAt(now).build().apply(delta);
            server.entries.remove(oldKey.value());
            ObjectNode node = node(renewed);
            node.put("previousKey", oldKey.value());
            node.put("previousKeyExpiresAt", graceUntil.toString());
            server.entries.put(newKey.value(), bytes(node));
            return Optional.of(renewed);
        });
    }

    @Override
    public boolean touch(LookupKey key, Touch touch, Instant now) {
        return transaction(() -> {
            SessionData current = live(key, now);
            if (current == null) {
                return false;
            }
            server.entries.put(current.key().value(), rewrite(current.key(), current.touched(touch)));
            return true;
        });
    }

    @Override
    public boolean end(LookupKey key, SessionStatus reason, Instant now) {
        SessionStore.requireEndReason(reason);
        return transaction(() -> {
            SessionData current = live(key, now);
            return current != null && server.entries.remove(current.key().value()) != null;
        });
    }

    @Override
    public List<SessionData> findByPrincipal(String principal, Instant now) {
        return transaction(() -> liveOldestFirst(now).stream().filter(s -> principal.equals(s.principal())).toList());
    }

    @Override
    public int endByPrincipal(String principal, SessionStatus reason, Instant now) {
        SessionStore.requireEndReason(reason);
        return transaction(() -> {
            int ended = 0;
            for (SessionData session : liveOldestFirst(now)) {
                if (principal.equals(session.principal())) {
                    server.entries.remove(session.key().value());
                    ended++;
                }
            }
            return ended;
        });
    }

    /** The default decision, inside one server transaction (the namespace's lock is reentrant). */
    @Override
    public List<LookupKey> limitPrincipal(String principal, LookupKey current, int max, SessionLimitMode mode,
            Instant now) {
        return transaction(() -> SessionStore.super.limitPrincipal(principal, current, max, mode, now));
    }

    @Override
    public List<SessionData> findLive(Instant now, int limit) {
        SessionStore.requireLimit(limit);
        return transaction(() -> {
            List<SessionData> live = liveOldestFirst(now);
            return List.copyOf(live.subList(0, Math.min(limit, live.size())));
        });
    }

    @Override
    public List<LookupKey> purgeExpired(Instant now, int limit) {
        SessionStore.requireLimit(limit);
        return transaction(() -> {
            List<LookupKey> purged = new ArrayList<>();
            Iterator<Map.Entry<String, byte[]>> entries = server.entries.entrySet().iterator();
            while (entries.hasNext() && purged.size() < limit) {
                Map.Entry<String, byte[]> entry = entries.next();
                SessionData session = decode(entry.getValue());
                if (session != null && !session.isLive(now)) {
                    entries.remove();
                    purged.add(session.key());
                }
            }
            return purged;
        });
    }

    @Override
    public SessionStats stats(Instant now) {
        return transaction(() -> {
            long active = 0;
            long expired = 0;
            for (byte[] bytes : server.entries.values()) {
                SessionData session = decode(bytes);
                if (session != null && session.isLive(now)) {
                    active++;
                } else if (session != null) {
                    expired++;
                }
            }
            return new SessionStats(server.entries.size(), active, expired);
        });
    }

    @Override
    public void close() {
        closed = true;
    }

    /** Test hook: overwrites an entry with bytes that are not a session. */
    void corrupt(LookupKey key) {
        transaction(() -> server.entries.put(key.value(), new byte[] {'{', 'x'}));
    }

    private <T> T transaction(Supplier<T> work) {
        if (closed) {
            throw new IllegalStateException("the acme session store is closed");
        }
        server.lock.lock();
        try {
            return work.get();
        } finally {
            server.lock.unlock();
        }
    }

    /** The live session {@code key} names: as its key, or as its previous key during the grace. */
    private SessionData live(LookupKey key, Instant now) {
        byte[] bytes = server.entries.get(key.value());
        if (bytes == null) {
            bytes = renewedFrom(key, now);
        }
        SessionData session = bytes == null ? null : decode(bytes);
        return session != null && session.isLive(now) ? session : null;
    }

    /** The entry whose previous key is {@code key}, while its grace lasts; a scan, as acme has no index. */
    private byte[] renewedFrom(LookupKey key, Instant now) {
        for (byte[] bytes : server.entries.values()) {
            try {
                JsonNode node = JSON.readTree(bytes);
                JsonNode previous = node.get("previousKey");
                if (previous != null && previous.asText().equals(key.value())
                        && now.isBefore(Instant.parse(node.get("previousKeyExpiresAt").asText()))) {
                    return bytes;
                }
            } catch (IOException | RuntimeException e) {
                // not a session: the contract treats it as absent
            }
        }
        return null;
    }

    /** {@code next} encoded under {@code key}, keeping the previous key the stored entry has. */
    private byte[] rewrite(LookupKey key, SessionData next) {
        ObjectNode node = node(next);
        try {
            JsonNode stored = JSON.readTree(server.entries.get(key.value()));
            if (stored.has("previousKey")) {
                node.set("previousKey", stored.get("previousKey"));
                node.set("previousKeyExpiresAt", stored.get("previousKeyExpiresAt"));
            }
        } catch (IOException e) {
            throw new IllegalStateException("a session could not be read", e);
        }
        return bytes(node);
    }

    private List<SessionData> liveOldestFirst(Instant now) {
        List<SessionData> live = new ArrayList<>();
        for (byte[] bytes : server.entries.values()) {
            SessionData session = decode(bytes);
            if (session != null && session.isLive(now)) {
                live.add(session);
            }
        }
        live.sort(Comparator.comparing(SessionData::createdAt));
        return live;
    }



    private static byte[] encode(SessionData session) {
        return bytes(node(session));
    }

    private static ObjectNode node(SessionData session) {
        ObjectNode node = JSON.createObjectNode();
        node.put("key", session.key().value());
        ObjectNode attributes = node.putObject("attributes");
        session.attributes().forEach(attributes::set);
        node.put("principal", session.principal());
        node.put("createdAt", session.createdAt().toString());
        node.put("lastAccessedAt", session.lastAccessedAt().toString());
        node.put("idleExpiresAt", session.idleExpiresAt().toString());
        node.put("absoluteExpiresAt", session.absoluteExpiresAt().toString());
        node.put("idleTimeout", session.idleTimeout().toString());
        node.put("ip", session.ip());
        node.put("userAgent", session.userAgent());
        node.put("status", session.status().name());
        node.put("version", session.version());
        node.put("keyIssuedAt", session.keyIssuedAt().toString());
        return node;
    }

    private static byte[] bytes(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("a session could not be encoded", e);
        }
    }

    /** The session the bytes hold, or null when they hold none (the contract: corrupt data is not found). */
    private static SessionData decode(byte[] bytes) {
        try {
            JsonNode node = JSON.readTree(bytes);
            Map<String, JsonNode> attributes = new LinkedHashMap<>();
            node.get("attributes").fields().forEachRemaining(e -> attributes.put(e.getKey(), e.getValue()));
            return SessionData.builder()
                    .key(new LookupKey(node.get("key").asText()))
                    .attributes(attributes)
                    .principal(node.get("principal").isNull() ? null : node.get("principal").asText())
                    .createdAt(Instant.parse(node.get("createdAt").asText()))
                    .lastAccessedAt(Instant.parse(node.get("lastAccessedAt").asText()))
                    .idleExpiresAt(Instant.parse(node.get("idleExpiresAt").asText()))
                    .absoluteExpiresAt(Instant.parse(node.get("absoluteExpiresAt").asText()))
                    .idleTimeout(Duration.parse(node.get("idleTimeout").asText()))
                    .ip(node.get("ip").isNull() ? null : node.get("ip").asText())
                    .userAgent(node.get("userAgent").isNull() ? null : node.get("userAgent").asText())
                    .status(SessionStatus.valueOf(node.get("status").asText()))
                    .version(node.get("version").asLong())
                    .keyIssuedAt(node.has("keyIssuedAt") ? Instant.parse(node.get("keyIssuedAt").asText()) : null)
                    .build();
        } catch (IOException | RuntimeException e) {
            // the SPI's rule: corrupt data is logged by the store, never thrown; no bytes, no key, in the line
            LOG.warn("acme: an entry does not hold a session ({}); it is treated as absent", e.getClass().getSimpleName());
            return null;
        }
    }
}
