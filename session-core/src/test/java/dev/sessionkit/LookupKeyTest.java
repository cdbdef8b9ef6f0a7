package dev.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class LookupKeyTest {

    @Test
    void keyIsTheSha256HexOfTheIdText() {
        // printf 'AAECAw...Hh8' | sha256sum
        SessionId id = SessionId.parse(SessionIdTest.COUNTING_ID).orElseThrow();

        assertThat(LookupKey.of(id).value())
                .isEqualTo("ea866a757e4c38babfa8127cbe9a409d3e1f93a00ff1488ff735fcf917afffd0");
        assertThat(id.lookupKey()).isEqualTo(LookupKey.of(id));
    }

    @Test
    void keyOfAllZeroIdMatchesAKnownDigest() {
        SessionId id = SessionId.parse("A".repeat(43)).orElseThrow();

        assertThat(id.lookupKey().value())
                .isEqualTo("0f007385b6f9d4b7eeb2748605afe1a984a0a3bfa3f014d09e2a784ce9e5cd1a");
    }

    @Test
    void keyOfAGeneratedIdIsSha256OfItsValue() throws Exception {
        SessionId id = SessionId.generate();
        String expected = HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(id.value().getBytes(StandardCharsets.US_ASCII)));

        assertThat(id.lookupKey().value()).isEqualTo(expected).hasSize(64).matches("[0-9a-f]{64}");
    }

    @Test
    void differentIdsHaveDifferentKeys() {
        assertThat(SessionId.generate().lookupKey()).isNotEqualTo(SessionId.generate().lookupKey());
    }

    @Test
    void keyNeverContainsTheId() {
        SessionId id = SessionId.generate();

        assertThat(id.lookupKey().value()).doesNotContain(id.value());
        assertThat(id.lookupKey().toString()).doesNotContain(id.value());
    }

    @Test
    void toStringShowsOnlyThePrefix() {
        LookupKey key = SessionId.generate().lookupKey();

        assertThat(key.prefix()).hasSize(8).isEqualTo(key.value().substring(0, 8));
        assertThat(key.toString()).isEqualTo("LookupKey[" + key.prefix() + "…]").doesNotContain(key.value());
    }

    @Test
    void constructorAcceptsAWellFormedKey() {
        String hex = "0f007385b6f9d4b7eeb2748605afe1a984a0a3bfa3f014d09e2a784ce9e5cd1a";

        assertThat(new LookupKey(hex).value()).isEqualTo(hex);
        assertThat(LookupKey.isWellFormed(hex)).isTrue();
    }

    @Test
    void constructorRejectsNullWithNullPointerExceptionAsDocumented() {
        assertThatNullPointerException().isThrownBy(() -> new LookupKey(null));
    }

    @Test
    void isWellFormedIsFalseForNull() {
        assertThat(LookupKey.isWellFormed(null)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "0f007385",
        "0f007385b6f9d4b7eeb2748605afe1a984a0a3bfa3f014d09e2a784ce9e5cd1",
        "0f007385b6f9d4b7eeb2748605afe1a984a0a3bfa3f014d09e2a784ce9e5cd1a0",
        "0F007385B6F9D4B7EEB2748605AFE1A984A0A3BFA3F014D09E2A784CE9E5CD1A",
        "0g007385b6f9d4b7eeb2748605afe1a984a0a3bfa3f014d09e2a784ce9e5cd1a",
        " f007385b6f9d4b7eeb2748605afe1a984a0a3bfa3f014d09e2a784ce9e5cd1a",
        "０f007385b6f9d4b7eeb2748605afe1a984a0a3bfa3f014d09e2a784ce9e5cd1a"
    })
    void constructorRejectsAnythingButLowerCaseHexOf64(String bad) {
        assertThat(LookupKey.isWellFormed(bad)).isFalse();
        assertThatIllegalArgumentException().isThrownBy(() -> new LookupKey(bad));
    }

    @Test
    void ofRejectsNullId() {
        assertThatNullPointerException().isThrownBy(() -> LookupKey.of(null));
    }
}
