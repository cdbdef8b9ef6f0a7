package dev.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionkit.AttributeSerializationException.Reason;
import dev.sessionkit.codec.Cart;
import dev.sessionkit.codec.Item;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Attribute types through the request life-cycle: what a later request sees, and what each commit writes. */
final class TypedAttributesTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef-test";

    private final TestClock clock = new TestClock();
    private final RecordingStore store = new RecordingStore();

    private SessionManager manager(SessionSettings.Builder settings) {
        return SessionManager.builder().settings(settings.build()).store(store).clock(clock).sweeper(false).build();
    }

    private static SessionSettings.Builder settings() {
        return SessionSettings.builder().secrets(SECRET).ttl(Duration.ofMinutes(30)).touchInterval(Duration.ofMinutes(1))
                .allowAttributeTypes("dev.sessionkit.codec.");
    }

    private static Optional<String> request(SessionManager manager, String cookie, Consumer<SessionContext> work) {
        SessionContext context = manager.resolve(RequestInfo.ofCookie(cookie));
        work.accept(context);
        return manager.commit(context).setCookie();
    }

    private String establish(SessionManager manager, Consumer<Session> work) {
        String setCookie = request(manager, null, c -> work.accept(c.getOrCreate())).orElseThrow();
        store.writes.clear();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private static Session session(SessionManager manager, String cookie) {
        return manager.resolve(RequestInfo.ofCookie(cookie)).session().orElseThrow();
    }

    private static Cart cart() {
        return new Cart("alice", new ArrayList<>(List.of(new Item("pen", 1))), Instant.parse("2026-12-01T10:00:00Z"),
                new BigDecimal("1.50"));
    }

    @Test
    void aLaterRequestGetsTheClassThatWasSet() {
        SessionManager manager = manager(settings());
        String cookie = establish(manager, s -> {
            s.set("cart", cart());
            s.set("visits", 5L);
            s.set("tags", new HashSet<>(Set.of("a", "b")));
        });
        Session later = session(manager, cookie);
        assertThat(later.value("cart")).isEqualTo(cart()).isInstanceOf(Cart.class);
        assertThat(later.value("visits")).isEqualTo(5L);
        assertThat(later.value("tags")).isEqualTo(Set.of("a", "b")).isInstanceOf(HashSet.class);
        assertThat(later.get("cart", Cart.class)).contains(cart());
    }

    @Test
    void withinARequestTheSameInstanceComesBack() {
        SessionManager manager = manager(settings());
        String cookie = establish(manager, s -> s.set("cart", cart()));
        Session later = session(manager, cookie);
        assertThat(later.value("cart")).isSameAs(later.value("cart")).isSameAs(later.get("cart", Cart.class).orElseThrow());
    }

    @Test
    void aValueChangedInPlaceIsSavedAndAnUnchangedOneCostsNoWrite() {
        SessionManager manager = manager(settings());
        String cookie = establish(manager, s -> s.set("cart", cart()));

        request(manager, cookie, c -> c.session().orElseThrow().value("cart"));
        assertThat(store.writes).isEmpty();

        request(manager, cookie, c -> ((Cart) c.session().orElseThrow().value("cart")).getItems().add(new Item("ink", 2)));
        assertThat(store.writes).containsExactly("apply");
        assertThat(((Cart) session(manager, cookie).value("cart")).getItems()).hasSize(2);
    }

    @Test
    void aValueChangedAfterSetInTheSameRequestIsSavedAsItIsAtCommit() {
        SessionManager manager = manager(settings());
        String cookie = establish(manager, s -> {
            Cart cart = cart();
            s.set("cart", cart);
            cart.setOwner("bob");
        });
        assertThat(((Cart) session(manager, cookie).value("cart")).getOwner()).isEqualTo("bob");
    }

    @Test
    void onSetModeSavesOnlyWhatWasSet() {
        SessionManager manager = manager(settings().saveMode(SaveMode.ON_SET));
        String cookie = establish(manager, s -> s.set("cart", cart()));
        request(manager, cookie, c -> ((Cart) c.session().orElseThrow().value("cart")).setOwner("mallory"));
        assertThat(store.writes).isEmpty();
        assertThat(((Cart) session(manager, cookie).value("cart")).getOwner()).isEqualTo("alice");
    }

    @Test
    void anUnreadableAttributeIsLeftOutAndKeptWhileTheRestWorks() {
        SessionManager manager = manager(settings());
        String cookie = establish(manager, s -> {
            s.set("cart", cart());
            s.set("user", "alice");
        });
        // a deploy renamed the class: the stored JSON names one that does not exist any more
        JsonNode renamed = SessionJson.parse("{\"@class\":\"dev.sessionkit.codec.OldCart\",\"owner\":\"alice\"}");
        store.replaceAttribute(cookieKey(manager, cookie), "cart", renamed);

        request(manager, cookie, c -> {
            Session s = c.session().orElseThrow();
            assertThat(s.value("cart")).isNull();
            assertThat(s.contains("cart")).isFalse();
            assertThat(s.attributeNames()).containsExactly("user");
            assertThat(s.value("user")).isEqualTo("alice");
            s.set("visits", 1);
        });
        assertThat(store.attribute(cookieKey(manager, cookie), "cart")).isEqualTo(renamed);
    }

    @Test
    void gadgetJsonInTheStoreIsUnreadableNotInstantiated() {
        SessionManager manager = manager(settings());
        String cookie = establish(manager, s -> s.set("user", "alice"));
        store.replaceAttribute(cookieKey(manager, cookie), "evil",
                SessionJson.parse("[\"dev.sessionkit.gadget.Gadget\",{\"command\":\"x\"}]"));
        Session s = session(manager, cookie);
        assertThat(s.value("evil")).isNull();
        assertThat(s.attributeNames()).containsExactly("user");
        assertThat(dev.sessionkit.gadget.Gadget.Marker.instantiated).isFalse();
        assertThat(dev.sessionkit.gadget.Gadget.Marker.initialized).isFalse();
    }

    @Test
    void countAndSessionSizeLimitsAreCheckedAtSet() {
        SessionManager manager = manager(settings().maxAttributes(3).maxAttributeBytes(2048).maxSessionBytes(4096));
        SessionContext context = manager.resolve(RequestInfo.ofCookie(null));
        Session s = context.getOrCreate();
        s.set("a", "x".repeat(1500));
        s.set("b", "x".repeat(1500));
        assertThatThrownBy(() -> s.set("c", "x".repeat(1500))).isInstanceOfSatisfying(
                AttributeSerializationException.class, e -> assertThat(e.reason()).isEqualTo(Reason.SESSION_TOO_LARGE));
        s.set("c", "small");
        assertThatThrownBy(() -> s.set("d", "small")).isInstanceOfSatisfying(AttributeSerializationException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.TOO_MANY_ATTRIBUTES));
        s.set("a", "replacing an attribute is not a new one");
        assertThat(s.attributeNames()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(s.value("c")).isEqualTo("small");
    }

    @Test
    void aMapWithNumberKeysAnswersGetWithANumber() {
        SessionManager manager = manager(settings());
        Map<Integer, String> byId = new HashMap<>(Map.of(7, "seven"));
        String cookie = establish(manager, s -> {
            s.set("byId", byId);
            s.set("ratio", 1.0e10);
            s.set("set", new HashSet<>(Set.of(1L)));
        });
        request(manager, cookie, c -> List.of("byId", "ratio", "set").forEach(n -> c.session().orElseThrow().value(n)));
        assertThat(store.writes).as("values of every form read and not changed are not written").isEmpty();
        @SuppressWarnings("unchecked")
        Map<Integer, String> back = (Map<Integer, String>) session(manager, cookie).value("byId");
        assertThat(back.get(7)).isEqualTo("seven");
    }

    @Test
    void incrementsStillMergeOnNaturalNumbers() {
        SessionManager manager = manager(settings());
        String cookie = establish(manager, s -> s.set("n", 1));
        request(manager, cookie, c -> c.session().orElseThrow().increment("n", 2));
        assertThat(session(manager, cookie).value("n")).isEqualTo(3);
    }

    private static LookupKey cookieKey(SessionManager manager, String cookie) {
        return manager.cookiePolicy().readVerified(List.of(cookie)).orElseThrow().id().lookupKey();
    }
}
