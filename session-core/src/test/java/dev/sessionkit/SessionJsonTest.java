package dev.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class SessionJsonTest {

    /** The scalar reads that skip Jackson's type lookup give what Jackson gives, or fail where it fails. */
    @Test
    void scalarReadsAgreeWithJacksonForEveryKindOfNode() throws Exception {
        List<String> nodes = List.of("\"text\"", "\"5\"", "\"\"", "5", "-7", "0", "2147483648", "9223372036854775807",
                "9223372036854775808", "2.0", "2.5", "true", "false", "null", "[1]", "{\"a\":1}");
        List<Class<?>> types = List.of(String.class, Long.class, Integer.class, Boolean.class);
        for (String text : nodes) {
            JsonNode node = SessionJson.mapper().readTree(text);
            for (Class<?> type : types) {
                Object expected;
                try {
                    expected = SessionJson.mapper().treeToValue(node, type);
                } catch (Exception e) {
                    expected = "fails";
                }
                Object actual;
                try {
                    actual = SessionJson.fromJson("a", node, type);
                } catch (IllegalArgumentException e) {
                    actual = "fails";
                }
                assertThat(actual).as(text + " as " + type.getSimpleName()).isEqualTo(expected);
            }
        }
    }

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String HIGH = "\uD83D";
    private static final String LOW = "\uDE00";
    private static final String EMOJI = HIGH + LOW; // U+1F600

    record Cart(String owner, List<Item> items, boolean checkedOut) {
    }

    record Item(String sku, int quantity, BigDecimal price) {
    }

    /** A bean whose getter returns itself. */
    static final class SelfReferencing {
        public SelfReferencing getSelf() {
            return this;
        }
    }

    /** A bean that refers to itself through another object. */
    static final class Node {
        public String name = "n";
        public Node next;
    }

    /** A bean whose getter throws. */
    static final class Exploding {
        public String getValue() {
            throw new IllegalStateException("boom");
        }
    }

    private static AttributeSerializationException refused(String name, Object value) {
        Throwable thrown = catchThrowable(() -> SessionJson.toJson(name, value));
        assertThat(thrown).isInstanceOf(AttributeSerializationException.class);
        AttributeSerializationException e = (AttributeSerializationException) thrown;
        assertThat(e.attributeName()).isEqualTo(name);
        assertThat(e.operation()).isEqualTo("setAttribute");
        assertThat(e.getMessage()).contains(name);
        return e;
    }

    // ---- toJson ----

    @Test
    void toJsonWritesPrimitives() {
        assertThat(SessionJson.toJson("n", 42).isInt()).isTrue();
        assertThat(SessionJson.toJson("n", 42).intValue()).isEqualTo(42);
        assertThat(SessionJson.toJson("l", 9_007_199_254_740_993L).longValue()).isEqualTo(9_007_199_254_740_993L);
        assertThat(SessionJson.toJson("d", 1.5).doubleValue()).isEqualTo(1.5);
        assertThat(SessionJson.toJson("b", true).booleanValue()).isTrue();
        assertThat(SessionJson.toJson("s", "hello").textValue()).isEqualTo("hello");
        assertThat(SessionJson.toJson("c", 'x').textValue()).isEqualTo("x");
        assertThat(SessionJson.toJson("e", "").textValue()).isEmpty();
    }

    @Test
    void toJsonWritesRecordsAsObjects() {
        Cart cart = new Cart("ann", List.of(new Item("A-1", 2, new BigDecimal("9.99"))), false);

        JsonNode node = SessionJson.toJson("cart", cart);

        assertThat(SessionJson.write(node))
                .isEqualTo("{\"owner\":\"ann\",\"items\":[{\"sku\":\"A-1\",\"quantity\":2,\"price\":9.99}],\"checkedOut\":false}");
        assertThat(SessionJson.fromJson("cart", node, Cart.class)).isEqualTo(cart);
    }

    @Test
    void toJsonWritesMapsAndLists() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("a", 1);
        map.put("b", List.of("x", "y"));
        map.put("c", Map.of("nested", true));
        map.put("d", null);

        assertThat(SessionJson.write(SessionJson.toJson("m", map)))
                .isEqualTo("{\"a\":1,\"b\":[\"x\",\"y\"],\"c\":{\"nested\":true},\"d\":null}");
        assertThat(SessionJson.write(SessionJson.toJson("l", List.of(1, "two", List.of(3)))))
                .isEqualTo("[1,\"two\",[3]]");
        assertThat(SessionJson.toJson("empty", List.of()).isArray()).isTrue();
    }

    @Test
    void toJsonCopiesAGivenTree() {
        ObjectNode given = JsonNodeFactory.instance.objectNode().put("a", 1);

        JsonNode stored = SessionJson.toJson("t", given);
        given.put("a", 2);

        assertThat(stored.get("a").intValue()).isEqualTo(1);
    }

    @Test
    void toJsonOfABeanWithoutPropertiesIsAnEmptyObject() {
        assertThat(SessionJson.write(SessionJson.toJson("o", new Object()))).isEqualTo("{}");
    }

    @Test
    void toJsonRejectsNulls() {
        assertThatNullPointerException().isThrownBy(() -> SessionJson.toJson(null, 1));
        assertThatNullPointerException().isThrownBy(() -> SessionJson.toJson("n", null));
    }

    @Test
    void toJsonRefusesASelfReferenceNamingTheAttribute() {
        AttributeSerializationException e = refused("loop", new SelfReferencing());

        assertThat(e.getMessage()).contains(SelfReferencing.class.getName());
        assertThat(e.getCause()).isNotNull();
    }

    @Test
    void toJsonRefusesAnIndirectCycleNamingTheAttribute() {
        Node a = new Node();
        Node b = new Node();
        a.next = b;
        b.next = a;

        refused("ring", a);
    }

    @Test
    void toJsonRefusesAThrowingGetterNamingTheAttribute() {
        AttributeSerializationException e = refused("bad", new Exploding());

        assertThat(e.getMessage()).contains("boom");
    }

    @Test
    void toJsonRefusesJavaTimeWithoutItsModule() {
        refused("when", Instant.EPOCH);
        refused("maybe", Optional.of(Instant.EPOCH));
    }

    // ---- what stores cannot hold ----

    @Test
    void toJsonRefusesNulCharacters() {
        refused("s", "a\u0000b");
        refused("s", "\u0000");
        refused("m", Map.of("k\u0000", "v"));
        refused("m", Map.of("k", List.of("fine", "not\u0000fine")));
    }

    @ParameterizedTest
    @ValueSource(strings = {HIGH, LOW, "a" + HIGH, HIGH + "a", LOW + HIGH, "x" + LOW + "y", EMOJI + HIGH, LOW + EMOJI,
        HIGH + HIGH + LOW})
    void toJsonRefusesLoneSurrogatesInStrings(String text) {
        refused("s", text);
    }

    @Test
    void toJsonRefusesLoneSurrogatesInKeysAndNestedValues() {
        refused("k", Map.of(HIGH, 1));
        refused("k", Map.of("a" + LOW, 1));
        refused("n", Map.of("outer", Map.of("inner", List.of(1, "z" + HIGH))));
        refused("n", Map.of("outer", Map.of("inner" + LOW, 1)));
        refused("l", List.of(List.of(List.of(LOW))));
        refused("r", new Item(HIGH, 1, BigDecimal.ONE));
        refused("r", new Cart("ann", List.of(new Item("ok", 1, BigDecimal.ONE), new Item(LOW, 1, BigDecimal.ONE)),
                false));
    }

    @Test
    void toJsonRefusesLoneSurrogatesInAGivenTree() {
        ObjectNode tree = JsonNodeFactory.instance.objectNode();
        tree.putArray("list").addObject().put("deep", "x" + HIGH);

        refused("tree", tree);
    }

    @Test
    void toJsonAcceptsSurrogatePairs() {
        assertThat(SessionJson.toJson("s", EMOJI).textValue()).isEqualTo(EMOJI);
        assertThat(SessionJson.toJson("s", "smile " + EMOJI + EMOJI + " done").textValue()).contains(EMOJI + EMOJI);
        JsonNode map = SessionJson.toJson("m", Map.of(EMOJI, List.of(EMOJI, "𝄞")));
        assertThat(map.get(EMOJI).get(1).textValue()).isEqualTo("𝄞");
    }

    @Test
    void toJsonAcceptsOtherUnicodeAndControlCharacters() {
        String text = "héllo wörld 日本語 \t\n\u0001\u001f\uFFFF";

        assertThat(SessionJson.toJson("s", text).textValue()).isEqualTo(text);
    }

    @Test
    void validateNamesTheAttribute() {
        Throwable thrown = catchThrowable(
                () -> SessionJson.validate("named", JsonNodeFactory.instance.textNode("a\u0000")));

        assertThat(thrown).isInstanceOfSatisfying(AttributeSerializationException.class,
                e -> assertThat(e.attributeName()).isEqualTo("named"));
    }

    @Test
    void clientTextReplacesNulAndLoneSurrogatesAndKeepsPairs() {
        String clean = "Mozilla/5.0 " + EMOJI;

        assertThat(SessionJson.clientText("Mozilla\u0000" + HIGH + " " + EMOJI + LOW))
                .isEqualTo("Mozilla\uFFFD\uFFFD " + EMOJI + "\uFFFD");
        assertThat(SessionJson.clientText(clean)).isSameAs(clean);
        assertThat(SessionJson.clientText(null)).isNull();
        assertThat(SessionJson.isStorable(SessionJson.clientText(LOW + HIGH))).isTrue();
    }

    @Test
    void validateOfASessionChecksNamesValuesAndPrincipalButNotClientText() {
        SessionData.Builder base = SessionData.builder().key(SessionId.generate().lookupKey())
                .createdAt(Instant.EPOCH).lastAccessedAt(Instant.EPOCH).idleExpiresAt(Instant.EPOCH.plusSeconds(60))
                .absoluteExpiresAt(Instant.EPOCH.plusSeconds(60)).idleTimeout(java.time.Duration.ofSeconds(60));

        assertThat(catchThrowable(() -> SessionJson.validate(base.attributes(Map.of("a" + HIGH, JSON.numberNode(1)))
                .build()))).isInstanceOfSatisfying(AttributeSerializationException.class,
                        e -> assertThat(e.attributeName()).isEqualTo("a" + HIGH));
        assertThat(catchThrowable(() -> SessionJson.validate(base.attributes(Map.of("a", JSON.textNode("\u0000")))
                .build()))).isInstanceOf(AttributeSerializationException.class);
        assertThatIllegalArgumentException().isThrownBy(() -> SessionJson.validate(base.attributes(Map.of())
                .principal("eve\u0000").build()));
        SessionJson.validate(base.principal("eve").ip("\u0000").userAgent(LOW).build());
    }

    @Test
    void validateOfADeltaChecksEveryNameItTouchesAndTheNewPrincipal() {
        assertThat(catchThrowable(() -> SessionJson.validate(SessionDelta.builder().remove("x\u0000").build())))
                .isInstanceOfSatisfying(AttributeSerializationException.class,
                        e -> assertThat(e.reason()).isEqualTo(AttributeSerializationException.Reason.NOT_STORABLE));
        assertThat(catchThrowable(() -> SessionJson.validate(SessionDelta.builder().increment(HIGH, 1).build())))
                .isInstanceOf(AttributeSerializationException.class);
        assertThat(catchThrowable(() -> SessionJson.validate(SessionDelta.builder().set("k" + LOW, JSON.numberNode(1))
                .build()))).isInstanceOf(AttributeSerializationException.class);
        assertThatIllegalArgumentException().isThrownBy(() -> SessionJson.validate(SessionDelta.builder()
                .principal(HIGH).build()));
        SessionJson.validate(SessionDelta.builder().principal(null).set("ok", JSON.textNode(EMOJI)).build());
    }

    @Test
    void refusalMessagesNeverShowTheValue() {
        AttributeSerializationException e = refused("secretish", "password-" + HIGH);

        assertThat(e.getMessage()).doesNotContain("password-");
    }

    // ---- reading ----

    @Test
    void attributesRoundTripThroughWriteAndRead() {
        Map<String, JsonNode> attributes = new LinkedHashMap<>();
        attributes.put("cart", SessionJson.toJson("cart", new Cart("ann", List.of(), true)));
        attributes.put("count", SessionJson.toJson("count", 3));
        attributes.put("emoji", SessionJson.toJson("emoji", EMOJI));

        Map<String, JsonNode> read = SessionJson.readAttributes(SessionJson.writeAttributes(attributes));

        assertThat(read).isEqualTo(attributes);
    }

    @Test
    void readAttributesOfAnEmptyObjectIsEmpty() {
        assertThat(SessionJson.readAttributes("{}")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[{\"a\":1}]", "1", "\"text\"", "true", "null", "", "   ", "{", "{\"a\":}", "not json"})
    void readAttributesRefusesAnythingButAJsonObject(String json) {
        assertThatIllegalArgumentException().isThrownBy(() -> SessionJson.readAttributes(json));
    }

    @Test
    void fromJsonReadsGenericTypes() {
        JsonNode node = SessionJson.toJson("l", List.of(new Item("A", 1, new BigDecimal("12.5"))));

        List<Item> items = SessionJson.fromJson("l", node, new TypeReference<List<Item>>() { });

        assertThat(items).containsExactly(new Item("A", 1, new BigDecimal("12.5")));
    }

    @Test
    void fromJsonOfTheWrongTypeThrowsIllegalArgumentNamingTheAttribute() {
        JsonNode node = SessionJson.toJson("n", "not a number");

        assertThatIllegalArgumentException().isThrownBy(() -> SessionJson.fromJson("n", node, Integer.class))
                .withMessageContaining("'n'");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> SessionJson.fromJson("n", node, new TypeReference<ArrayList<Item>>() { }))
                .withMessageContaining("'n'");
    }

    @Test
    void parseRefusesEmptyAndInvalidJson() {
        assertThatIllegalArgumentException().isThrownBy(() -> SessionJson.parse(""));
        assertThatIllegalArgumentException().isThrownBy(() -> SessionJson.parse("{"));
        assertThat(SessionJson.parse("[1]").isArray()).isTrue();
    }
}
