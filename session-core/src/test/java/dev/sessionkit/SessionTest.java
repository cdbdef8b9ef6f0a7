package dev.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class SessionTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final java.util.function.Function<SessionSettings, AttributeCodec> CODEC_OF = AttributeCodecTest::codec;
    private final SessionSettings settings = SessionSettings.builder().secrets("s".repeat(32))
            .allowAttributeTypes("dev.sessionkit.SessionTest$Point").build();

    private Session fresh() {
        return new Session(settings, CODEC_OF.apply(settings), SessionId.generate(), NOW, "127.0.0.1", "test");
    }

    record Point(int x, int y) {
    }

    @Test
    void typedValuesRoundTripThroughJson() {
        Session session = fresh();
        session.set("point", new Point(3, 4));
        session.set("tags", List.of("a", "b"));

        assertThat(session.get("point", Point.class)).contains(new Point(3, 4));
        assertThat(session.get("tags", new TypeReference<List<String>>() { })).contains(List.of("a", "b"));
        assertThat(session.get("missing", String.class)).isEmpty();
    }

    @Test
    void unstorableValueFailsAtSetNamingTheAttribute() {
        Session session = fresh();

        assertThatThrownBy(() -> session.set("bad", "a\u0000b"))
                .isInstanceOfSatisfying(AttributeSerializationException.class,
                        e -> assertThat(e.attributeName()).isEqualTo("bad"));
        assertThat(session.attributeNames()).isEmpty();
    }

    @Test
    void deltaRecordsOnlyWhatChanged() {
        SessionData stored = fresh().toNewData(NOW);
        stored = stored.withAttributes(Map.of("keep", SessionJson.toJson("keep", 1), "drop", SessionJson.toJson("drop", 2)));
        Session session = new Session(settings, CODEC_OF.apply(settings), SessionId.generate(), stored);

        session.set("new", "x");
        session.remove("drop");
        session.increment("count", 2);
        session.increment("count", 3);
        SessionDelta delta = session.delta(NOW);

        assertThat(delta.set()).containsOnlyKeys("new");
        assertThat(delta.removed()).containsExactly("drop");
        assertThat(delta.increments()).containsExactlyEntriesOf(Map.of("count", 5L));
        assertThat(delta.principalChanged()).isFalse();
        assertThat(delta.absoluteExpiresAt()).isNull();
    }

    @Test
    void setAfterIncrementReplacesTheIncrementAndRemoveDropsBoth() {
        Session session = fresh();
        session.increment("c", 5);
        session.set("c", 10);
        assertThat(session.delta(NOW).increments()).isEmpty();
        assertThat(session.increment("c", 1)).isEqualTo(11);
        session.remove("c");
        SessionDelta delta = session.delta(NOW);
        assertThat(delta.set()).isEmpty();
        assertThat(delta.increments()).isEmpty();
        assertThat(delta.removed()).containsExactly("c");
    }

    @Test
    void unchangedSessionIsNotModified() {
        Session session = fresh();
        session.get("x", String.class);
        session.setPrincipal(null);
        session.remove("absent");

        assertThat(session.isModified()).isFalse();
    }

    @Test
    void invalidatedSessionRefusesUse() {
        Session session = fresh();
        session.invalidate();

        assertThat(session.isInvalidated()).isTrue();
        assertThatThrownBy(() -> session.set("a", 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> session.get("a", String.class)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void regenerateIdChangesTheHandle() {
        Session session = fresh();
        String before = session.handle();
        session.regenerateId();

        assertThat(session.handle()).isNotEqualTo(before).hasSize(64);
    }

    @Test
    void getJsonReturnsACopy() {
        Session session = fresh();
        session.set("m", Map.of("a", 1));
        ((com.fasterxml.jackson.databind.node.ObjectNode) session.getJson("m").orElseThrow()).put("a", 2);

        assertThat(session.get("m", new TypeReference<Map<String, Integer>>() { })).contains(Map.of("a", 1));
    }

    @Test
    void idleTimeoutMustBePositive() {
        Session session = fresh();
        assertThatThrownBy(() -> session.setIdleTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        session.setIdleTimeout(Duration.ofMinutes(5));
        assertThat(session.expiresAt()).isEqualTo(NOW.plus(Duration.ofMinutes(5)));
    }

    @Test
    void clearRemovesEveryAttributeButKeepsThePrincipal() {
        SessionData stored = fresh().toNewData(NOW)
                .withAttributes(Map.of("a", SessionJson.toJson("a", 1), "b", SessionJson.toJson("b", 2)));
        Session session = new Session(settings, CODEC_OF.apply(settings), SessionId.generate(), stored);
        session.setPrincipal("alice");
        session.set("c", 3);

        session.clear();

        assertThat(session.attributeNames()).isEmpty();
        assertThat(session.principal()).contains("alice");
        assertThat(session.delta(NOW).removed()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(session.delta(NOW).set()).isEmpty();
    }
}
