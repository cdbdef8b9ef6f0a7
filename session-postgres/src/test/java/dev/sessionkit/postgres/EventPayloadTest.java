package dev.sessionkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionStatus;
import java.util.Optional;
import org.junit.jupiter.api.Test;

final class EventPayloadTest {

    private static final String KEY = "ab".repeat(32);
    private static final String OTHER = "cd".repeat(32);

    @Test
    void endedAndMovedPayloadsAreRead() {
        EventPayload ended = EventPayload.parse("1|origin|revoked|" + KEY).orElseThrow();
        EventPayload moved = EventPayload.parse("1|origin|moved|" + KEY + "|" + OTHER).orElseThrow();

        assertThat(ended.origin()).isEqualTo("origin");
        assertThat(ended.key()).isEqualTo(new LookupKey(KEY));
        assertThat(ended.reason()).contains(SessionStatus.REVOKED);
        assertThat(ended.newKey()).isNull();
        assertThat(moved.key()).isEqualTo(new LookupKey(KEY));
        assertThat(moved.newKey()).isEqualTo(new LookupKey(OTHER));
        assertThat(moved.reason()).isEmpty();
        EventPayload swept = EventPayload.parse("1|origin|expired|" + KEY + "," + OTHER).orElseThrow();
        assertThat(swept.keys()).containsExactly(new LookupKey(KEY), new LookupKey(OTHER));
        assertThat(swept.reason()).contains(SessionStatus.EXPIRED);
    }

    @Test
    void anythingElseIsIgnoredRatherThanMisread() {
        for (String text : new String[] {null, "", "1", "2|origin|revoked|" + KEY, "1||revoked|" + KEY,
                "1|origin|active|" + KEY, "1|origin|sleeping|" + KEY, "1|origin|revoked|" + KEY.toUpperCase(),
                "1|origin|revoked|" + KEY + "|" + OTHER, "1|origin|moved|" + KEY, "1|origin|moved|" + KEY + "|x",
                "1|origin|revoked|abc", "1|origin|expired|" + KEY + ",", "1|origin|expired|" + KEY + ",,"}) {
            assertThat(EventPayload.parse(text)).as(String.valueOf(text)).isEqualTo(Optional.empty());
        }
    }

    @Test
    void channelsAreNamedAfterTheTableAndFitPostgresIdentifiers() {
        assertThat(EventPayload.channel(null, "sessions")).isEqualTo("sessionkit_sessions");
        assertThat(EventPayload.channel("app", "sessions")).isEqualTo("sessionkit_app_sessions");
        String longName = "t".repeat(60);
        assertThat(EventPayload.channel("s", longName)).hasSizeLessThanOrEqualTo(63).startsWith("sessionkit_")
                .isNotEqualTo(EventPayload.channel("s", longName + "x"));
    }

    @Test
    void theLongestPayloadStaysBelowPostgresLimit() {
        String moved = "1|" + "f".repeat(24) + "|moved|" + KEY + "|" + OTHER;
        String sweep = "1|" + "f".repeat(24) + "|expired|" + String.join(",",
                java.util.Collections.nCopies(EventPayload.KEYS_PER_NOTICE, KEY));
        assertThat(moved.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThan(200);
        assertThat(sweep.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThan(8000);
    }
}
