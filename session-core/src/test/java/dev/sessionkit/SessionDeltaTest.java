package dev.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

final class SessionDeltaTest {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Instant T0 = Instant.parse("2024-06-01T12:00:00Z");

    private static SessionDelta attributes(Map<String, JsonNode> set, Set<String> removed, Map<String, Long> increments) {
        return SessionDelta.builder().setAll(set).removeAll(removed).incrementAll(increments).build();
    }

    private static Map<String, JsonNode> stored() {
        Map<String, JsonNode> m = new HashMap<>();
        m.put("keep", JSON.textNode("k"));
        m.put("gone", JSON.textNode("g"));
        m.put("count", JSON.numberNode(5));
        return m;
    }

    // ---- mergeInto ----

    @Test
    void mergeIntoRemovesThenSetsThenIncrements() {
        SessionDelta delta = attributes(Map.of("new", JSON.textNode("n"), "keep", JSON.textNode("k2")),
                Set.of("gone"), Map.of("count", 2L));

        Map<String, JsonNode> merged = delta.mergeInto(stored());

        assertThat(merged).containsOnlyKeys("keep", "new", "count");
        assertThat(merged.get("keep").textValue()).isEqualTo("k2");
        assertThat(merged.get("new").textValue()).isEqualTo("n");
        assertThat(merged.get("count").longValue()).isEqualTo(7);
    }

    @Test
    void setWinsOverRemoveOfTheSameKey() {
        SessionDelta delta = attributes(Map.of("gone", JSON.textNode("back")), Set.of("gone"), Map.of());

        assertThat(delta.mergeInto(stored()).get("gone").textValue()).isEqualTo("back");
    }

    @Test
    void incrementAppliesToTheValueJustSet() {
        SessionDelta delta = attributes(Map.of("count", JSON.numberNode(100)), Set.of(), Map.of("count", 1L));

        assertThat(delta.mergeInto(stored()).get("count").longValue()).isEqualTo(101);
    }

    @Test
    void incrementOfARemovedKeyStartsAtZero() {
        SessionDelta delta = attributes(Map.of(), Set.of("count"), Map.of("count", 3L));

        assertThat(delta.mergeInto(stored()).get("count").longValue()).isEqualTo(3);
    }

    @Test
    void incrementOfAMissingKeyStartsAtZero() {
        SessionDelta delta = attributes(Map.of(), Set.of(), Map.of("visits", 1L));

        Map<String, JsonNode> merged = delta.mergeInto(Map.of());

        assertThat(merged.get("visits").isIntegralNumber()).isTrue();
        assertThat(merged.get("visits").longValue()).isEqualTo(1);
    }

    @Test
    void incrementOfANonIntegerStartsAtZero() {
        Map<String, JsonNode> current = new HashMap<>();
        current.put("text", JSON.textNode("12"));
        current.put("fraction", JSON.numberNode(2.5));
        current.put("object", JSON.objectNode().put("a", 1));
        current.put("null", JSON.nullNode());
        current.put("flag", JSON.booleanNode(true));
        current.put("huge", JSON.numberNode(new BigInteger("123456789012345678901234567890")));
        Map<String, Long> increments = new HashMap<>();
        current.keySet().forEach(k -> increments.put(k, 4L));

        Map<String, JsonNode> merged = attributes(Map.of(), Set.of(), increments).mergeInto(current);

        assertThat(merged).hasSize(6);
        merged.forEach((k, v) -> assertThat(v.longValue()).as(k).isEqualTo(4));
    }

    @Test
    void incrementByANegativeAmountDecrements() {
        SessionDelta delta = attributes(Map.of(), Set.of(), Map.of("count", -7L));

        assertThat(delta.mergeInto(stored()).get("count").longValue()).isEqualTo(-2);
    }

    @Test
    void incrementOfALongBeyondIntRangeKeepsPrecision() {
        Map<String, JsonNode> current = Map.of("big", JSON.numberNode(9_007_199_254_740_993L));

        Map<String, JsonNode> merged = attributes(Map.of(), Set.of(), Map.of("big", 2L)).mergeInto(current);

        assertThat(merged.get("big").longValue()).isEqualTo(9_007_199_254_740_995L);
    }

    @Test
    void mergeIntoLeavesTheGivenMapUnchanged() {
        Map<String, JsonNode> before = stored();
        Map<String, JsonNode> snapshot = new HashMap<>(before);
        SessionDelta delta = attributes(Map.of("new", JSON.textNode("n")), Set.of("gone"), Map.of("count", 1L));

        delta.mergeInto(before);

        assertThat(before).isEqualTo(snapshot);
    }

    @Test
    void mergeIntoWithoutAttributeChangesReturnsTheSameContent() {
        Map<String, JsonNode> before = stored();
        SessionDelta touchOnly = SessionDelta.empty().withTouch(new Touch(T0, T0.plusSeconds(60)));

        assertThat(SessionDelta.empty().mergeInto(before)).isEqualTo(stored());
        assertThat(touchOnly.mergeInto(before)).isEqualTo(stored());
    }

    @Test
    void removingAMissingKeyIsHarmless() {
        SessionDelta delta = attributes(Map.of(), Set.of("never-there"), Map.of());

        assertThat(delta.mergeInto(stored())).isEqualTo(stored());
    }

    @Test
    void integerOrZeroReadsOnlyIntegers() {
        assertThat(SessionDelta.integerOrZero(null)).isZero();
        assertThat(SessionDelta.integerOrZero(JSON.numberNode(42))).isEqualTo(42);
        assertThat(SessionDelta.integerOrZero(JSON.numberNode(Long.MIN_VALUE))).isEqualTo(Long.MIN_VALUE);
        assertThat(SessionDelta.integerOrZero(JSON.numberNode(BigInteger.valueOf(17)))).isEqualTo(17);
        assertThat(SessionDelta.integerOrZero(JSON.numberNode(1.0))).isZero();
        assertThat(SessionDelta.integerOrZero(JSON.textNode("42"))).isZero();
        assertThat(SessionDelta.integerOrZero(JSON.numberNode(BigInteger.TWO.pow(64)))).isZero();
    }

    // ---- isEmpty ----

    @Test
    void emptyDeltaIsEmpty() {
        assertThat(SessionDelta.empty().isEmpty()).isTrue();
        assertThat(SessionDelta.empty().changesAttributes()).isFalse();
        assertThat(attributes(Map.of(), Set.of(), Map.of()).isEmpty()).isTrue();
    }

    @Test
    void anyChangeMakesTheDeltaNonEmpty() {
        Touch touch = new Touch(T0, T0.plusSeconds(60));

        assertThat(attributes(Map.of("a", JSON.numberNode(1)), Set.of(), Map.of()).isEmpty()).isFalse();
        assertThat(attributes(Map.of(), Set.of("a"), Map.of()).isEmpty()).isFalse();
        assertThat(attributes(Map.of(), Set.of(), Map.of("a", 1L)).isEmpty()).isFalse();
        assertThat(SessionDelta.builder().principal(null).build().isEmpty()).isFalse();
        assertThat(SessionDelta.builder().principal("ann").build().isEmpty()).isFalse();
        assertThat(SessionDelta.builder().absoluteExpiresAt(T0).build().isEmpty()).isFalse();
        assertThat(SessionDelta.builder().idleTimeout(Duration.ofMinutes(5)).build().isEmpty()).isFalse();
        assertThat(SessionDelta.builder().build().isEmpty()).isTrue();
        assertThat(SessionDelta.empty().withTouch(touch).isEmpty()).isFalse();
    }

    @Test
    void onlyAttributeChangesChangeAttributes() {
        Touch touch = new Touch(T0, T0.plusSeconds(60));

        assertThat(SessionDelta.empty().withTouch(touch).changesAttributes()).isFalse();
        assertThat(SessionDelta.builder().principal("ann").absoluteExpiresAt(T0).build().changesAttributes())
                .isFalse();
        assertThat(attributes(Map.of(), Set.of(), Map.of("a", 1L)).changesAttributes()).isTrue();
    }

    // ---- construction ----

    @Test
    void withTouchKeepsEverythingElse() {
        SessionDelta delta = SessionDelta.builder().set("a", JSON.numberNode(1)).remove("b").increment("c", 2)
                .principal("ann").absoluteExpiresAt(T0).idleTimeout(Duration.ofMinutes(3)).build();
        Touch touch = new Touch(T0, T0.plusSeconds(60));

        SessionDelta touched = delta.withTouch(touch);

        assertThat(touched.touch()).isEqualTo(touch);
        assertThat(touched.withTouch(null)).isEqualTo(delta);
        assertThat(delta.touch()).isNull();
    }

    @Test
    void buildCopiesCollections() {
        Map<String, JsonNode> set = new HashMap<>(Map.of("a", JSON.numberNode(1)));
        SessionDelta delta = attributes(set, Set.of(), Map.of());

        set.put("b", JSON.numberNode(2));

        assertThat(delta.set()).containsOnlyKeys("a");
    }

    @Test
    void buildRejectsNullNamesAndValues() {
        Map<String, JsonNode> nullValue = new HashMap<>();
        nullValue.put("a", null);

        assertThatNullPointerException().isThrownBy(() -> SessionDelta.builder().setAll(nullValue).build());
        assertThatNullPointerException().isThrownBy(() -> SessionDelta.builder().remove(null).build());
        assertThatNullPointerException().isThrownBy(() -> SessionDelta.builder().set(null, JSON.numberNode(1)).build());
    }

    @Test
    void buildRejectsANonPositiveIdleTimeout() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> SessionDelta.builder().idleTimeout(Duration.ZERO).build());
        assertThatIllegalArgumentException()
                .isThrownBy(() -> SessionDelta.builder().idleTimeout(Duration.ofSeconds(-1)).build());
    }

    @Test
    void principalMarksItChangedAndNullSignsOut() {
        SessionDelta signOut = SessionDelta.builder().principal(null).build();
        SessionDelta signIn = SessionDelta.builder().principal("ann").build();

        assertThat(signOut.principalChanged()).isTrue();
        assertThat(signOut.principal()).isNull();
        assertThat(signIn.principalChanged()).isTrue();
        assertThat(signIn.principal()).isEqualTo("ann");
        assertThat(signIn.toBuilder().keepPrincipal().build()).isEqualTo(SessionDelta.empty());
        assertThat(SessionDelta.empty().principalChanged()).isFalse();
    }

    @Test
    void incrementsOfOneNameAddUp() {
        SessionDelta delta = SessionDelta.builder().increment("n", 2).increment("n", -5)
                .incrementAll(Map.of("n", 10L, "m", 1L)).build();

        assertThat(delta.increments()).isEqualTo(Map.of("n", 7L, "m", 1L));
    }

    @Test
    void toBuilderRebuildsAnEqualDeltaAndChangesOnlyWhatItIsTold() {
        Touch touch = new Touch(T0, T0.plusSeconds(60));
        SessionDelta delta = SessionDelta.builder().set("a", JSON.numberNode(1)).remove("b").increment("c", 2)
                .principal("ann").absoluteExpiresAt(T0).idleTimeout(Duration.ofMinutes(3)).touch(touch).build();

        SessionDelta same = delta.toBuilder().build();
        SessionDelta more = delta.toBuilder().set("d", JSON.numberNode(4)).build();

        assertThat(same).isEqualTo(delta).hasSameHashCodeAs(delta);
        assertThat(more.set()).containsOnlyKeys("a", "d");
        assertThat(more.toBuilder().build()).isNotEqualTo(delta);
        assertThat(more.removed()).isEqualTo(delta.removed());
        assertThat(more.increments()).isEqualTo(delta.increments());
        assertThat(more.principal()).isEqualTo("ann");
        assertThat(more.touch()).isEqualTo(touch);
        assertThat(delta.set()).containsOnlyKeys("a");
    }

    @Test
    void toStringLeavesValuesOut() {
        SessionDelta delta = SessionDelta.builder().set("card", JSON.textNode("4111-1111"))
                .principal("ann@example.com").build();

        assertThat(delta.toString()).contains("card").doesNotContain("4111").doesNotContain("ann@example.com");
    }
}
