package dev.sessionkit.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.sessionkit.RequestInfo;
import dev.sessionkit.Session;
import dev.sessionkit.SessionContext;
import dev.sessionkit.SessionManager;
import dev.sessionkit.SessionSettings;
import dev.sessionkit.memory.CaffeineSessionStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

/** One side of the in-memory comparison: read-only and modifying requests on seeded sessions. */
interface MemoryContender extends AutoCloseable {

    void readOnly(int session);

    void modify(int session);

    @Override
    void close();

    static MemoryContender open(String name, int sessions) {
        return switch (name) {
            case SessionkitMemory.NAME -> new SessionkitMemory(sessions);
            case BareCaffeine.NAME -> new BareCaffeine(sessions);
            default -> throw new IllegalArgumentException("unknown memory contender " + name);
        };
    }

    /** {@link CaffeineSessionStore} through {@link SessionManager}, cookie signing and all. */
    final class SessionkitMemory implements MemoryContender {

        static final String NAME = "sessionkit";

        private final CaffeineSessionStore store = CaffeineSessionStore.builder().build();
        private final SessionManager manager = SessionManager.builder()
                .settings(SessionSettings.builder().secrets(Shapes.SECRET).build())
                .store(store)
                .sweeper(false)
                .build();
        private final String[] cookies;

        SessionkitMemory(int sessions) {
            cookies = new String[sessions];
            for (int i = 0; i < sessions; i++) {
                SessionContext context = manager.resolve(RequestInfo.ofCookie(null));
                Session session = context.getOrCreate();
                session.set(Shapes.THEME, Shapes.THEME_VALUE);
                session.set(Shapes.COUNTER, 0);
                session.set(Shapes.CART, Shapes.CART_VALUE);
                cookies[i] = Shapes.cookieHeader(manager.commit(context).setCookie().orElseThrow());
            }
        }

        @Override
        public void readOnly(int i) {
            SessionContext context = manager.resolve(RequestInfo.ofCookie(cookies[i]));
            Session session = context.session().orElseThrow(() -> new IllegalStateException("session missing"));
            if (session.get(Shapes.THEME, String.class).isEmpty()) {
                throw new IllegalStateException("attribute missing");
            }
            manager.commit(context);
        }

        @Override
        public void modify(int i) {
            SessionContext context = manager.resolve(RequestInfo.ofCookie(cookies[i]));
            context.session().orElseThrow(() -> new IllegalStateException("session missing"))
                    .increment(Shapes.COUNTER, 1);
            manager.commit(context);
        }

        @Override
        public void close() {
            manager.close();
            store.close();
        }
    }

    /**
     * The floor of an in-memory store: a bare Caffeine {@code Cache<String, byte[]>} keyed by the
     * raw id, holding the attributes as the same JSON (sessionkit's Jackson mapper), with the same
     * capacity and an idle expiry. No signing, no hashing, no expiry bookkeeping.
     */
    final class BareCaffeine implements MemoryContender {

        static final String NAME = "caffeine";
        private static final ObjectMapper JSON = new ObjectMapper();

        private final Cache<String, byte[]> cache = Caffeine.newBuilder()
                .maximumSize(dev.sessionkit.memory.MemoryStoreSettings.DEFAULT_MAX_SESSIONS)
                .expireAfterAccess(Duration.ofHours(24))
                .build();
        private final String[] ids;

        BareCaffeine(int sessions) {
            SecureRandom random = new SecureRandom();
            ids = new String[sessions];
            for (int i = 0; i < sessions; i++) {
                byte[] bytes = new byte[32];
                random.nextBytes(bytes);
                ids[i] = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
                ObjectNode sess = JSON.createObjectNode();
                sess.put(Shapes.THEME, Shapes.THEME_VALUE);
                sess.put(Shapes.COUNTER, 0);
                sess.set(Shapes.CART, JSON.valueToTree(Shapes.CART_VALUE));
                cache.put(ids[i], write(sess));
            }
        }

        @Override
        public void readOnly(int i) {
            JsonNode sess = read(i);
            if (!sess.has(Shapes.THEME)) {
                throw new IllegalStateException("attribute missing");
            }
        }

        @Override
        public void modify(int i) {
            ObjectNode sess = read(i);
            sess.put(Shapes.COUNTER, sess.path(Shapes.COUNTER).asLong() + 1);
            cache.put(ids[i], write(sess));
        }

        private ObjectNode read(int i) {
            byte[] bytes = cache.getIfPresent(ids[i]);
            if (bytes == null) {
                throw new IllegalStateException("session missing");
            }
            try {
                return (ObjectNode) JSON.readTree(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static byte[] write(JsonNode sess) {
            try {
                return JSON.writeValueAsBytes(sess);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            cache.invalidateAll();
        }
    }
}
