package dev.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionkit.AttributeSerializationException.Reason;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

final class AttributeCodecTest {

    private static final SessionSettings SETTINGS = SessionSettings.builder().allowAttributeTypes("dev.sessionkit.codec.")
            .build();
    private static final AttributeCodec CODEC = codec(SETTINGS);

    static AttributeCodec codec(SessionSettings settings) {
        return AttributeCodec.create(settings, List.of(), Map.of(), List.of());
    }

    /** Through text, as every store does: what a later request reads. */
    private static Object roundTrip(Object value) {
        JsonNode json = CODEC.encode("a", value).json();
        JsonNode stored = SessionJson.readAttributes(SessionJson.writeAttributes(Map.of("a", json))).get("a");
        return CODEC.decode(stored);
    }

    static Stream<Object> values() {
        Map<Integer, String> byNumber = new HashMap<>();
        byNumber.put(7, "seven");
        byNumber.put(8, "eight");
        Map<dev.sessionkit.codec.Color, Integer> byColor = new TreeMap<>();
        byColor.put(dev.sessionkit.codec.Color.RED, 1);
        List<Object> mixed = new ArrayList<>();
        mixed.add(5L);
        mixed.add(new dev.sessionkit.codec.Item("pen", 2));
        mixed.add(Set.of("x"));
        return Stream.of("text", 42, true, 1.5, 5L, Long.MAX_VALUE, (short) 3, (byte) 4, 2.5f, 'c', 1.0e10, -0.0,
                new BigDecimal("10.00"), new BigDecimal("0.1000000000000000055511151231257827"),
                new BigInteger("123456789012345678901234567890"), UUID.randomUUID(), new Date(1_700_000_000_123L),
                Instant.parse("2026-12-01T10:15:30.123456789Z"), LocalDate.of(2026, 12, 1),
                LocalDateTime.of(2026, 12, 1, 10, 15), Duration.ofMinutes(90),
                ZonedDateTime.of(2026, 12, 1, 10, 0, 0, 0, ZoneId.of("Europe/Paris")),
                OffsetDateTime.of(2026, 12, 1, 10, 0, 0, 0, ZoneOffset.ofHours(5)), URI.create("https://example.com/x"),
                dev.sessionkit.codec.Color.GREEN, new byte[] { 1, 2, 3, -1 }, new int[] { 1, 2 },
                new String[] { "a", "b" }, new HashSet<>(List.of("a", "b")), new LinkedHashSet<>(List.of(3, 1, 2)),
                new TreeSet<>(List.of("b", "a")), new LinkedList<>(List.of("a")), new HashMap<>(Map.of("k", 1L)),
                new TreeMap<>(Map.of("b", "x", "a", "y")), byNumber, byColor, new CopyOnWriteArrayList<>(List.of("f")),
                new ArrayList<>(List.of(1, 2)), new LinkedHashMap<>(Map.of("k", "v")), mixed,
                java.util.Collections.unmodifiableList(new ArrayList<>(List.of("u"))),
                java.util.Collections.unmodifiableSet(new HashSet<>(Set.of("u"))),
                java.util.Collections.unmodifiableMap(new HashMap<>(Map.of("u", 1L))),
                java.util.Collections.singletonList(3L), java.util.Collections.singleton("s"),
                java.util.Collections.emptyList(), java.util.Collections.emptyMap(),
                new dev.sessionkit.codec.Cart("alice", new ArrayList<>(List.of(new dev.sessionkit.codec.Item("pen", 2))),
                        Instant.parse("2026-12-01T10:00:00Z"), new BigDecimal("3.50")),
                new dev.sessionkit.codec.Item("book", 1), new dev.sessionkit.codec.Point(3, 4),
                new dev.sessionkit.codec.Hidden("secret-state", 7));
    }

    @ParameterizedTest
    @MethodSource("values")
    void everyTypeComesBackAsAnEqualInstanceOfItsClass(Object value) {
        Object back = roundTrip(value);
        assertThat(back).isNotNull();
        if (value.getClass().isArray()) {
            assertThat(back.getClass()).isEqualTo(value.getClass());
            assertThat(Objects.deepEquals(value, back)).isTrue();
        } else {
            assertThat(back).isInstanceOf(value.getClass());
            assertThat(back.getClass()).isEqualTo(value.getClass());
            assertThat(back).isEqualTo(value);
        }
    }

    @Test
    void immutableJdkCollectionsComeBackEqual() {
        assertThat(roundTrip(List.of("a", "b"))).isEqualTo(List.of("a", "b"));
        assertThat(roundTrip(Set.of("a", "b"))).isEqualTo(Set.of("a", "b"));
        assertThat(roundTrip(Map.of("a", 1))).isEqualTo(Map.of("a", 1));
        assertThat(roundTrip(Arrays.asList("x", "y"))).isEqualTo(List.of("x", "y"));
    }

    @Test
    void mapsWithNumberKeysKeepTheirKeys() {
        @SuppressWarnings("unchecked")
        Map<Integer, String> back = (Map<Integer, String>) roundTrip(new HashMap<>(Map.of(7, "seven")));
        assertThat(back.get(7)).isEqualTo("seven");
    }

    @Test
    void naturalValuesStayNaturalJson() {
        assertThat(CODEC.encode("a", "u-1").json().isTextual()).isTrue();
        assertThat(CODEC.encode("a", 3).json().isInt()).isTrue();
        assertThat(CODEC.encode("a", true).json().isBoolean()).isTrue();
        JsonNode map = CODEC.encode("a", new LinkedHashMap<>(Map.of("userId", "u-1", "n", 2))).json();
        assertThat(map.get("userId").textValue()).isEqualTo("u-1");
        assertThat(map.has(AttributeCodec.TYPE_PROPERTY)).isFalse();
        JsonNode list = CODEC.encode("a", new ArrayList<>(List.of("a", 1))).json();
        assertThat(list.isArray()).isTrue();
        assertThat(list.size()).isEqualTo(2);
        assertThat(list.get(0).textValue()).isEqualTo("a");
    }

    @Test
    void typedBeansStayReadableBySql() {
        JsonNode cart = CODEC.encode("cart", new dev.sessionkit.codec.Cart("alice", new ArrayList<>(),
                Instant.parse("2026-12-01T10:00:00Z"), new BigDecimal("3.50"))).json();
        assertThat(cart.get("@class").textValue()).isEqualTo("dev.sessionkit.codec.Cart");
        assertThat(cart.get("owner").textValue()).isEqualTo("alice");
        assertThat(cart.get("total").get(1).textValue()).isEqualTo("3.50"); // BigDecimal is not final: typed, exact
    }

    @Test
    void oldUntypedJsonLoadsAsPlainTypes() {
        assertThat(CODEC.decode(SessionJson.parse("{\"a\":1,\"b\":[\"x\",2.5],\"c\":{\"d\":true}}")))
                .isEqualTo(Map.of("a", 1, "b", List.of("x", 2.5), "c", Map.of("d", true)));
        assertThat(CODEC.decode(SessionJson.parse("12345678901"))).isEqualTo(12345678901L);
        assertThat(CODEC.decode(SessionJson.parse("\"u-1\""))).isEqualTo("u-1");
    }

    @Test
    void naturalValuesThatLookTypedAreEscapedAndComeBackAsThemselves() {
        List<Object> lookalike = new ArrayList<>(List.of("java.lang.Long", 5));
        assertThat(roundTrip(lookalike)).isEqualTo(lookalike).isInstanceOf(ArrayList.class);
        Map<String, Object> withMarker = new LinkedHashMap<>(Map.of("@class", "java.lang.Runtime", "x", 1));
        assertThat(roundTrip(withMarker)).isEqualTo(withMarker);
        List<Object> escapeLookalike = new ArrayList<>(List.of("@json", 1));
        assertThat(roundTrip(escapeLookalike)).isEqualTo(escapeLookalike);
    }

    @Test
    void aClassOutsideTheAllowListIsRefusedAtEncodeNamingTheClassAndTheSetting() {
        assertThatThrownBy(() -> CODEC.encode("x", new AtomicBoolean(true)))
                .isInstanceOfSatisfying(AttributeSerializationException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.TYPE_NOT_ALLOWED);
                    assertThat(e.attributeName()).isEqualTo("x");
                })
                .hasMessageContaining("java.util.concurrent.atomic.AtomicBoolean")
                .hasMessageContaining("SESSION_ATTRIBUTE_TYPES");
        AttributeCodec strict = codec(SessionSettings.builder().build());
        assertThatThrownBy(() -> strict.encode("cart", new dev.sessionkit.codec.Item("pen", 1)))
                .isInstanceOfSatisfying(AttributeSerializationException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.TYPE_NOT_ALLOWED))
                .hasMessageContaining("dev.sessionkit.codec.Item")
                .hasMessageContaining("SESSION_ATTRIBUTE_TYPES=dev.sessionkit.codec.");
    }

    @Test
    void aDisallowedClassNestedInsideAnAllowedOneIsRefusedToo() {
        List<Object> list = new ArrayList<>();
        list.add(new AtomicBoolean());
        assertThatThrownBy(() -> CODEC.encode("x", list)).isInstanceOfSatisfying(AttributeSerializationException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.TYPE_NOT_ALLOWED));
    }

    @Test
    void gadgetJsonIsNeverInstantiated() {
        String[] gadgets = {
            "[\"dev.sessionkit.gadget.Gadget\", {\"command\":\"x\"}]",
            "{\"@class\":\"dev.sessionkit.gadget.Gadget\",\"command\":\"x\"}",
            "[\"java.util.ArrayList\", [{\"@class\":\"dev.sessionkit.gadget.Gadget\",\"command\":\"x\"}]]",
            "{\"@class\":\"com.sun.rowset.JdbcRowSetImpl\",\"dataSourceName\":\"ldap://127.0.0.1:1/x\",\"autoCommit\":true}",
            "[\"org.springframework.context.support.ClassPathXmlApplicationContext\", \"http://127.0.0.1:1/x.xml\"]",
            "[\"java.lang.ProcessBuilder\", [\"touch\", \"/tmp/pwned\"]]",
        };
        for (String gadget : gadgets) {
            assertThatThrownBy(() -> CODEC.decode(SessionJson.parse(gadget))).isInstanceOf(AttributeCodec.Unreadable.class);
        }
        assertThat(dev.sessionkit.gadget.Gadget.Marker.instantiated).isFalse();
        assertThat(dev.sessionkit.gadget.Gadget.Marker.initialized).isFalse();
    }

    @Test
    void aBeanThatCannotBeReadBackIsRefusedAtEncode() {
        assertThatThrownBy(() -> CODEC.encode("x", new dev.sessionkit.codec.NoCreator("a")))
                .isInstanceOfSatisfying(AttributeSerializationException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NOT_SERIALIZABLE))
                .hasMessageContaining("dev.sessionkit.codec.NoCreator")
                .hasMessageContaining("cannot be read back");
    }

    @Test
    void collectionsOfBeansWithoutEqualsAreComparedByTheirJson() {
        Map<String, Object> notes = new HashMap<>(Map.of("a", new dev.sessionkit.codec.Note("hello")));
        @SuppressWarnings("unchecked")
        Map<String, Object> back = (Map<String, Object>) roundTrip(notes);
        assertThat(((dev.sessionkit.codec.Note) back.get("a")).getText()).isEqualTo("hello");
    }

    @Test
    void aMapWithNumberKeysInsideAnUntypedListIsRefusedNotChanged() {
        List<Object> list = new ArrayList<>();
        list.add(new HashMap<>(Map.of(7, "seven")));
        assertThatThrownBy(() -> CODEC.encode("x", list)).isInstanceOfSatisfying(AttributeSerializationException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.NOT_SERIALIZABLE));
    }

    @Test
    void limitsAreCheckedAtEncode() {
        AttributeCodec small = codec(SessionSettings.builder().maxAttributeBytes(1024).maxAttributeDepth(4).build());
        assertThatThrownBy(() -> small.encode("big", "x".repeat(2000)))
                .isInstanceOfSatisfying(AttributeSerializationException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.ATTRIBUTE_TOO_LARGE))
                .hasMessageContaining("SESSION_MAX_ATTRIBUTE_SIZE");
        Object deep = "leaf";
        for (int i = 0; i < 6; i++) {
            deep = new ArrayList<>(List.of(deep));
        }
        Object tooDeep = deep;
        assertThatThrownBy(() -> small.encode("deep", tooDeep))
                .isInstanceOfSatisfying(AttributeSerializationException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.TOO_DEEP))
                .hasMessageContaining("SESSION_MAX_ATTRIBUTE_DEPTH");
        Object veryDeep = "leaf";
        for (int i = 0; i < 5_000; i++) {
            veryDeep = new ArrayList<>(List.of(veryDeep, 1L));
        }
        Object veryDeepValue = veryDeep;
        assertThatThrownBy(() -> CODEC.encode("deep", veryDeepValue))
                .isInstanceOfSatisfying(AttributeSerializationException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.TOO_DEEP));
    }

    @Test
    void stringsNoStoreCanHoldAreRefused() {
        assertThatThrownBy(() -> CODEC.encode("x", "a\u0000b")).isInstanceOfSatisfying(AttributeSerializationException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.NOT_STORABLE));
    }

    @Test
    void sameJsonComparesNumbersByValue() {
        assertThat(AttributeCodec.sameJson(SessionJson.parse("{\"a\":5}"),
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("a", 5L))).isTrue();
        assertThat(AttributeCodec.sameJson(SessionJson.parse("[1,2]"), SessionJson.parse("[1,3]"))).isFalse();
    }
}
