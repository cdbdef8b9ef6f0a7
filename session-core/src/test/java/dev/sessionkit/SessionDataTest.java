package dev.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class SessionDataTest {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Instant T0 = Instant.parse("2024-06-01T12:00:00Z");
    private static final Duration IDLE = Duration.ofMinutes(30);

    /** Only what has no default. */
    private static SessionData.Builder required() {
        return SessionData.builder()
                .key(SessionId.generate().lookupKey())
                .createdAt(T0)
                .lastAccessedAt(T0)
                .idleExpiresAt(T0.plus(IDLE))
                .absoluteExpiresAt(T0.plus(Duration.ofDays(1)))
                .idleTimeout(IDLE);
    }

    private static SessionData full() {
        return required()
                .attributes(Map.of("card", JSON.textNode("4111-1111")))
                .principal("ann@example.com")
                .ip("203.0.113.7")
                .userAgent("SecretAgent/1.0")
                .status(SessionStatus.ACTIVE)
                .version(4)
                .build();
    }

    @Test
    void builderDefaultsToAnAnonymousActiveSessionAtVersionZero() {
        SessionData data = required().build();

        assertThat(data.attributes()).isEmpty();
        assertThat(data.principal()).isNull();
        assertThat(data.ip()).isNull();
        assertThat(data.userAgent()).isNull();
        assertThat(data.status()).isEqualTo(SessionStatus.ACTIVE);
        assertThat(data.version()).isZero();
    }

    @Test
    void buildRejectsMissingRequiredComponents() {
        assertThatNullPointerException().isThrownBy(() -> required().key(null).build()).withMessage("key");
        assertThatNullPointerException().isThrownBy(() -> required().createdAt(null).build()).withMessage("createdAt");
        assertThatNullPointerException().isThrownBy(() -> required().lastAccessedAt(null).build())
                .withMessage("lastAccessedAt");
        assertThatNullPointerException().isThrownBy(() -> required().idleExpiresAt(null).build())
                .withMessage("idleExpiresAt");
        assertThatNullPointerException().isThrownBy(() -> required().absoluteExpiresAt(null).build())
                .withMessage("absoluteExpiresAt");
        assertThatNullPointerException().isThrownBy(() -> required().idleTimeout(null).build())
                .withMessage("idleTimeout");
        assertThatNullPointerException().isThrownBy(() -> required().status(null).build()).withMessage("status");
        assertThatNullPointerException().isThrownBy(() -> required().attributes(null).build())
                .withMessage("attributes");
    }

    @Test
    void buildRejectsANonPositiveIdleTimeout() {
        assertThatIllegalArgumentException().isThrownBy(() -> required().idleTimeout(Duration.ZERO).build());
        assertThatIllegalArgumentException().isThrownBy(() -> required().idleTimeout(Duration.ofMillis(-1)).build());
    }

    @Test
    void buildCopiesTheAttributes() {
        Map<String, JsonNode> attributes = new HashMap<>(Map.of("a", JSON.numberNode(1)));
        SessionData data = required().attributes(attributes).build();

        attributes.put("b", JSON.numberNode(2));

        assertThat(data.attributes()).containsOnlyKeys("a");
    }

    @Test
    void toBuilderRebuildsAnEqualSnapshotAndChangesOnlyWhatItIsTold() {
        SessionData data = full();

        SessionData same = data.toBuilder().build();
        SessionData revoked = data.toBuilder().status(SessionStatus.REVOKED).version(5).build();

        assertThat(same).isEqualTo(data).hasSameHashCodeAs(data);
        assertThat(revoked).isNotEqualTo(data);
        assertThat(revoked.status()).isEqualTo(SessionStatus.REVOKED);
        assertThat(revoked.version()).isEqualTo(5);
        assertThat(revoked.toBuilder().status(SessionStatus.ACTIVE).version(4).build()).isEqualTo(data);
        assertThat(data.status()).isEqualTo(SessionStatus.ACTIVE);
    }

    @Test
    void everyComponentTakesPartInEquality() {
        SessionData data = full();

        assertThat(data.toBuilder().principal(null).build()).isNotEqualTo(data);
        assertThat(data.toBuilder().ip(null).build()).isNotEqualTo(data);
        assertThat(data.toBuilder().userAgent(null).build()).isNotEqualTo(data);
        assertThat(data.toBuilder().attributes(Map.of()).build()).isNotEqualTo(data);
        assertThat(data.toBuilder().lastAccessedAt(T0.plusSeconds(1)).build()).isNotEqualTo(data);
        assertThat(data.toBuilder().idleTimeout(IDLE.plusSeconds(1)).build()).isNotEqualTo(data);
        assertThat(data.withKey(SessionId.generate().lookupKey())).isNotEqualTo(data);
    }

    @Test
    void applyMergesTheDeltaMovesTouchTimesForwardAndIncrementsTheVersion() {
        SessionData data = full();
        Instant later = T0.plus(Duration.ofMinutes(10));

        SessionData applied = data.apply(SessionDelta.builder().set("n", JSON.numberNode(1)).remove("card")
                .principal("bob").touch(new Touch(later, later.plus(IDLE))).build());
        SessionData stale = applied.apply(SessionDelta.builder().touch(new Touch(T0, T0.plus(IDLE))).build());

        assertThat(applied.attributes()).containsOnlyKeys("n");
        assertThat(applied.principal()).isEqualTo("bob");
        assertThat(applied.lastAccessedAt()).isEqualTo(later);
        assertThat(applied.idleExpiresAt()).isEqualTo(later.plus(IDLE));
        assertThat(applied.version()).isEqualTo(5);
        assertThat(applied.ip()).isEqualTo(data.ip());
        assertThat(stale.lastAccessedAt()).isEqualTo(later);
        assertThat(stale.version()).isEqualTo(6);
    }

    @Test
    void toStringLeavesValuesPrincipalAndClientOut() {
        String text = full().toString();

        assertThat(text).contains("card").doesNotContain("4111").doesNotContain("ann@example.com")
                .doesNotContain("203.0.113.7").doesNotContain("SecretAgent");
    }
}
