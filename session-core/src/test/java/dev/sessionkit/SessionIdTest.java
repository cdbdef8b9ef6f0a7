package dev.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class SessionIdTest {

    /** base64url of the bytes 0..31. */
    static final String COUNTING_ID = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /** A "random" source that yields 0, 1, 2, ... so generated ids are predictable. */
    static SecureRandom countingRandom() {
        return new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                for (int i = 0; i < bytes.length; i++) {
                    bytes[i] = (byte) i;
                }
            }
        };
    }

    @Test
    void generateGives43CharactersOfBase64Url() {
        for (int i = 0; i < 100; i++) {
            String value = SessionId.generate().value();
            assertThat(value).hasSize(SessionId.LENGTH).hasSize(43).matches("[A-Za-z0-9_-]{43}");
        }
    }

    @Test
    void generateGivesDistinctIds() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            seen.add(SessionId.generate().value());
        }
        assertThat(seen).hasSize(10_000);
    }

    @Test
    void generateEncodesAllBytesOfTheGivenRandomSource() {
        assertThat(SessionId.generate(countingRandom()).value()).isEqualTo(COUNTING_ID);
    }

    @Test
    void generatedIdParsesBackToAnEqualId() {
        SessionId id = SessionId.generate();

        assertThat(SessionId.parse(id.value())).contains(id);
        assertThat(SessionId.parse(id.value()).orElseThrow()).hasSameHashCodeAs(id);
    }

    @Test
    void parseAcceptsAKnownCanonicalId() {
        assertThat(SessionId.parse(COUNTING_ID)).hasValueSatisfying(id -> assertThat(id.value()).isEqualTo(COUNTING_ID));
        assertThat(SessionId.parse("A".repeat(43))).isPresent();
        assertThat(SessionId.parse("_".repeat(42) + "w")).isPresent();
    }

    @Test
    void parseRejectsNull() {
        assertThat(SessionId.parse(null)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 42, 44, 64, 86, 1000})
    void parseRejectsWrongLength(int length) {
        assertThat(SessionId.parse("A".repeat(length))).isEmpty();
    }

    @Test
    void parseRejectsAValidIdWithACharacterAddedOrRemoved() {
        String value = SessionId.generate().value();

        assertThat(SessionId.parse(value + "A")).isEmpty();
        assertThat(SessionId.parse("A" + value)).isEmpty();
        assertThat(SessionId.parse(value.substring(1))).isEmpty();
        assertThat(SessionId.parse(value.substring(0, 42))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"+", "/", "=", " ", ".", "%", "\t", "\u0000", "é", "Ａ", "\uD83D", "ß", "\u00A0"})
    void parseRejectsWrongAlphabet(String bad) {
        String start = bad + COUNTING_ID.substring(1);
        String middle = COUNTING_ID.substring(0, 20) + bad + COUNTING_ID.substring(21);

        assertThat(start).hasSize(43);
        assertThat(SessionId.parse(start)).isEmpty();
        assertThat(SessionId.parse(middle)).isEmpty();
    }

    @Test
    void parseRejectsStandardBase64OfTheSameBytes() {
        byte[] bytes = new byte[32];
        java.util.Arrays.fill(bytes, (byte) 0xFB); // encodes with '+' and '/' in standard base64
        String standard = java.util.Base64.getEncoder().withoutPadding().encodeToString(bytes);
        String padded = java.util.Base64.getUrlEncoder().encodeToString(bytes);

        assertThat(standard).containsAnyOf("+", "/").hasSize(43);
        assertThat(SessionId.parse(standard)).isEmpty();
        assertThat(SessionId.parse(padded)).isEmpty();
        assertThat(SessionId.parse(padded.substring(0, 43))).isPresent();
    }

    @Test
    void parseRejectsANonCanonicalLastCharacter() {
        // 32 bytes are 256 bits; the 43rd character carries 4 bits and 2 bits that must be zero
        String canonical = COUNTING_ID;
        int last = ALPHABET.indexOf(canonical.charAt(42));
        assertThat(last & 0b11).isZero();

        for (int lowBits = 1; lowBits <= 3; lowBits++) {
            String nonCanonical = canonical.substring(0, 42) + ALPHABET.charAt(last | lowBits);
            assertThat(SessionId.parse(nonCanonical)).as(nonCanonical).isEmpty();
        }
    }

    @Test
    void parseAcceptsExactlyTheLastCharactersWithZeroLowBits() {
        String prefix = COUNTING_ID.substring(0, 42);
        for (int i = 0; i < ALPHABET.length(); i++) {
            boolean canonical = (i & 0b11) == 0;
            assertThat(SessionId.parse(prefix + ALPHABET.charAt(i)).isPresent())
                    .as("last character %s", ALPHABET.charAt(i))
                    .isEqualTo(canonical);
        }
    }

    @Test
    void equalityFollowsTheValue() {
        SessionId a = SessionId.parse(COUNTING_ID).orElseThrow();
        SessionId b = SessionId.parse(COUNTING_ID).orElseThrow();
        SessionId other = SessionId.generate();

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(other).isNotEqualTo(COUNTING_ID);
    }

    @Test
    void toStringNeverShowsTheId() {
        SessionId id = SessionId.generate();

        assertThat(id.toString())
                .doesNotContain(id.value())
                .doesNotContain(id.value().substring(0, 8))
                .doesNotContain(id.lookupKey().value())
                .startsWith("SessionId[" + id.lookupKey().prefix());
    }

    @Test
    void lookupKeyIsCachedAndStable() {
        SessionId id = SessionId.generate();

        assertThat(id.lookupKey()).isSameAs(id.lookupKey()).isEqualTo(LookupKey.of(id));
    }
}
