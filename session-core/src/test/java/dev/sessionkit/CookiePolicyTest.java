package dev.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class CookiePolicyTest {

    /** The secret of the known HMAC vector below. */
    private static final String SECRET = "kitchen-sink-test-key/0123456789";
    private static final String OLD_SECRET = "an older secret, at least 32 bytes long";
    private static final String OTHER_SECRET = "a secret nobody configured, 32 bytes+";
    /** HMAC-SHA256 of {@link SessionIdTest#COUNTING_ID} under {@link #SECRET}, base64url (python hmac). */
    private static final String COUNTING_SIGNATURE = "IOpo-BP6wAKCBrSqpGlRB4IfBnrTUTL_e1SJsVNzXJI";
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private final CookiePolicy policy = policy(dev());
    private final SessionId id = SessionId.generate();

    private static SessionSettings.Builder dev() {
        return SessionSettings.builder().secrets(SECRET);
    }

    private static SessionSettings.Builder production() {
        return SessionSettings.builder().environment(AppEnvironment.PRODUCTION).store("memory").secrets(SECRET);
    }

    private static CookiePolicy policy(SessionSettings.Builder builder) {
        return CookiePolicy.from(builder.build());
    }

    private static SessionId countingId() {
        return SessionId.parse(SessionIdTest.COUNTING_ID).orElseThrow();
    }

    // ---- signing and reading ----

    @Test
    void signIsTheIdADotAndTheBase64UrlHmacSha256OfTheId() {
        assertThat(policy.sign(countingId())).isEqualTo(SessionIdTest.COUNTING_ID + "." + COUNTING_SIGNATURE);
    }

    @Test
    void signedValueHas87CookieSafeCharacters() {
        assertThat(policy.sign(id)).hasSize(87).matches("[A-Za-z0-9_-]{43}\\.[A-Za-z0-9_-]{43}");
    }

    @Test
    void pairsWithoutAnEqualsSignBeforeAndBetweenCookiesAreSkipped() {
        String signed = policy.sign(id);
        String noise = "flag;".repeat(1500); // about 7.5 KB of pairs without '=', under the 8 KB cap

        assertThat(policy.read(List.of(noise + "theme=dark; bare ; sid=" + signed + "; tail"))).contains(id);
        assertThat(policy.read(List.of("bare;sid=" + signed))).contains(id);
        assertThat(policy.read(List.of(noise + "sid"))).isEmpty();
    }

    @Test
    void readReturnsTheIdThatWasSigned() {
        assertThat(policy.read(List.of("sid=" + policy.sign(id)))).contains(id);
    }

    @Test
    void readOfAKnownSignedValueReturnsItsId() {
        assertThat(policy.read(List.of("sid=" + SessionIdTest.COUNTING_ID + "." + COUNTING_SIGNATURE)))
                .contains(countingId());
    }

    @Test
    void readFindsTheCookieAmongOthersInOneHeader() {
        String header = "theme=dark; _ga=GA1.2.3.4; sid=" + policy.sign(id) + "; lang=en";

        assertThat(policy.read(List.of(header))).contains(id);
    }

    @Test
    void readToleratesMissingSpacesAndATrailingSemicolon() {
        assertThat(policy.read(List.of("a=1;sid=" + policy.sign(id) + ";"))).contains(id);
        assertThat(policy.read(List.of("  sid=" + policy.sign(id) + "  ;b=2"))).contains(id);
    }

    @Test
    void readFindsTheCookieAcrossSeveralCookieHeaders() {
        List<String> headers = List.of("theme=dark", "a=1; sid=" + policy.sign(id), "lang=en");

        assertThat(policy.read(headers)).contains(id);
    }

    @Test
    void readAcceptsAQuotedValue() {
        assertThat(policy.read(List.of("sid=\"" + policy.sign(id) + "\""))).contains(id);
    }

    @Test
    void readRejectsAHalfQuotedValue() {
        assertThat(policy.read(List.of("sid=\"" + policy.sign(id)))).isEmpty();
        assertThat(policy.read(List.of("sid=" + policy.sign(id) + "\""))).isEmpty();
    }

    @Test
    void readIsCaseSensitiveAboutTheName() {
        assertThat(policy.read(List.of("SID=" + policy.sign(id)))).isEmpty();
        assertThat(policy.read(List.of("xsid=" + policy.sign(id)))).isEmpty();
        assertThat(policy.read(List.of("sidx=" + policy.sign(id)))).isEmpty();
    }

    @Test
    void readUsesTheConfiguredName() {
        CookiePolicy named = policy(dev().cookieName("app_session"));

        assertThat(named.name()).isEqualTo("app_session");
        assertThat(named.read(List.of("app_session=" + named.sign(id)))).contains(id);
        assertThat(named.read(List.of("sid=" + named.sign(id)))).isEmpty();
    }

    @Test
    void readOfNoHeadersIsEmpty() {
        assertThat(policy.read(null)).isEmpty();
        assertThat(policy.read(List.of())).isEmpty();
        assertThat(policy.read(Arrays.asList((String) null))).isEmpty();
        assertThat(policy.read(Arrays.asList(null, "sid=" + policy.sign(id)))).contains(id);
    }

    @Test
    void readRejectsTheSameNameTwiceWithDifferentValues() {
        String mine = policy.sign(id);
        String other = policy.sign(SessionId.generate());

        assertThat(policy.read(List.of("sid=" + mine + "; sid=" + other))).isEmpty();
        assertThat(policy.read(List.of("sid=" + mine, "sid=" + other))).isEmpty();
        assertThat(policy.read(List.of("sid=" + mine + "; sid=garbage"))).isEmpty();
        assertThat(policy.read(List.of("sid=garbage; sid=" + mine))).isEmpty();
    }

    @Test
    void readAcceptsTheSameNameTwiceWithIdenticalValues() {
        String mine = policy.sign(id);

        assertThat(policy.read(List.of("sid=" + mine + "; sid=" + mine))).contains(id);
        assertThat(policy.read(List.of("sid=" + mine, "a=b; sid=" + mine))).contains(id);
        assertThat(policy.read(List.of("sid=" + mine + "; sid=\"" + mine + "\""))).contains(id);
    }

    @Test
    void readIgnoresAHeaderLongerThan8192Characters() {
        String cookie = "sid=" + policy.sign(id);
        String padding = "pad=" + "x".repeat(CookiePolicy.MAX_HEADER_LENGTH) + "; ";

        assertThat(CookiePolicy.MAX_HEADER_LENGTH).isEqualTo(8192);
        assertThat(policy.read(List.of(cookie + "; " + padding))).isEmpty();
        assertThat(policy.read(List.of(padding + cookie))).isEmpty();
    }

    @Test
    void readAcceptsAHeaderOfExactly8192Characters() {
        String cookie = "sid=" + policy.sign(id) + "; pad=";
        String exact = cookie + "x".repeat(8192 - cookie.length());
        String over = exact + "x";

        assertThat(exact).hasSize(8192);
        assertThat(policy.read(List.of(exact))).contains(id);
        assertThat(policy.read(List.of(over))).isEmpty();
    }

    @Test
    void readIgnoresSeveralHeadersTogetherLongerThan8192Characters() {
        String half = "pad=" + "x".repeat(4100);

        assertThat(policy.read(List.of("sid=" + policy.sign(id), half, half))).isEmpty();
    }

    // ---- tampering ----

    @Test
    void readRejectsATamperedId() {
        String signed = policy.sign(id);
        for (int i = 0; i < SessionId.LENGTH - 1; i++) {
            char original = signed.charAt(i);
            char replacement = original == 'A' ? 'B' : 'A';
            String tampered = signed.substring(0, i) + replacement + signed.substring(i + 1);
            assertThat(policy.read(List.of("sid=" + tampered))).as("id changed at %d", i).isEmpty();
        }
    }

    @Test
    void readRejectsATamperedSignatureAtEveryPosition() {
        String signed = policy.sign(id);
        for (int i = SessionId.LENGTH + 1; i < signed.length(); i++) {
            char original = signed.charAt(i);
            char replacement = ALPHABET.charAt((ALPHABET.indexOf(original) + 1) % ALPHABET.length());
            String tampered = signed.substring(0, i) + replacement + signed.substring(i + 1);
            assertThat(policy.read(List.of("sid=" + tampered))).as("signature changed at %d", i).isEmpty();
        }
    }

    @Test
    void readRejectsAnotherIdsSignature() {
        SessionId other = SessionId.generate();
        String swapped = id.value() + "." + policy.sign(other).substring(SessionId.LENGTH + 1);

        assertThat(policy.read(List.of("sid=" + swapped))).isEmpty();
    }

    @Test
    void readRejectsTheIdWithoutASignature() {
        assertThat(policy.read(List.of("sid=" + id.value()))).isEmpty();
        assertThat(policy.read(List.of("sid=" + id.value() + "."))).isEmpty();
    }

    @Test
    void readRejectsAValueSignedWithAnUnknownSecret() {
        CookiePolicy stranger = policy(SessionSettings.builder().secrets(OTHER_SECRET));

        assertThat(policy.read(List.of("sid=" + stranger.sign(id)))).isEmpty();
    }

    @Test
    void readRejectsTheSeparatorReplaced() {
        String signed = policy.sign(id);
        for (char separator : new char[] {'-', '_', ',', ':', 'A'}) {
            String changed = signed.substring(0, SessionId.LENGTH) + separator + signed.substring(SessionId.LENGTH + 1);
            assertThat(policy.read(List.of("sid=" + changed))).isEmpty();
        }
    }

    // ---- rotation ----

    @Test
    void valueSignedWithTheOldSecretVerifiesWhenItIsSecondInTheList() {
        String signedBefore = policy(SessionSettings.builder().secrets(OLD_SECRET)).sign(id);
        CookiePolicy rotated = policy(SessionSettings.builder().secrets(SECRET, OLD_SECRET));

        assertThat(rotated.read(List.of("sid=" + signedBefore))).contains(id);
        assertThat(rotated.readVerified(List.of("sid=" + signedBefore)))
                .hasValueSatisfying(v -> assertThat(v.currentSecret()).isFalse());
    }

    @Test
    void aRememberedOldSecretValueIsStillReportedAsOldAndATamperedCopyOfItStillFails() {
        String signedBefore = policy(SessionSettings.builder().secrets(OLD_SECRET)).sign(id);
        CookiePolicy rotated = policy(SessionSettings.builder().secrets(SECRET, OLD_SECRET));
        char last = signedBefore.charAt(signedBefore.length() - 1);
        String tampered = signedBefore.substring(0, signedBefore.length() - 1) + (last == 'A' ? 'B' : 'A');

        for (int i = 0; i < 3; i++) { // the first verification remembers the value; the later ones find it
            assertThat(rotated.readVerified(List.of("sid=" + signedBefore)))
                    .hasValueSatisfying(v -> {
                        assertThat(v.id()).isEqualTo(id);
                        assertThat(v.currentSecret()).isFalse();
                    });
            assertThat(rotated.read(List.of("sid=" + tampered))).isEmpty();
        }
        // what one policy verified says nothing to a policy with other secrets
        assertThat(policy(SessionSettings.builder().secrets(SECRET, OTHER_SECRET)).read(List.of("sid=" + signedBefore)))
                .isEmpty();
    }

    @Test
    void valueSignedWithTheFirstSecretIsReportedAsCurrent() {
        CookiePolicy rotated = policy(SessionSettings.builder().secrets(SECRET, OLD_SECRET));

        assertThat(rotated.readVerified(List.of("sid=" + rotated.sign(id))))
                .hasValueSatisfying(v -> {
                    assertThat(v.id()).isEqualTo(id);
                    assertThat(v.currentSecret()).isTrue();
                });
    }

    @Test
    void onlyTheFirstSecretSigns() {
        CookiePolicy rotated = policy(SessionSettings.builder().secrets(SECRET, OLD_SECRET));

        assertThat(rotated.sign(countingId())).isEqualTo(SessionIdTest.COUNTING_ID + "." + COUNTING_SIGNATURE);
        assertThat(rotated.sign(id)).isEqualTo(policy.sign(id))
                .isNotEqualTo(policy(SessionSettings.builder().secrets(OLD_SECRET)).sign(id));
    }

    @Test
    void valueSignedWithARemovedSecretNoLongerVerifies() {
        String signedBefore = policy(SessionSettings.builder().secrets(OLD_SECRET)).sign(id);
        CookiePolicy afterRemoval = policy(SessionSettings.builder().secrets(SECRET, OTHER_SECRET));

        assertThat(afterRemoval.read(List.of("sid=" + signedBefore))).isEmpty();
    }

    @Test
    void valueSignedWithAThirdSecretStillVerifies() {
        String signedLongAgo = policy(SessionSettings.builder().secrets(OTHER_SECRET)).sign(id);
        CookiePolicy threeSecrets = policy(SessionSettings.builder().secrets(SECRET, OLD_SECRET, OTHER_SECRET));

        assertThat(threeSecrets.read(List.of("sid=" + signedLongAgo))).contains(id);
    }

    // ---- garbage ----

    @ParameterizedTest
    @ValueSource(strings = {
        "", " ", ";", ";;;", "=", "sid", "sid=", "sid= ", "sid=\"\"", "sid=\"", "sid=\"\"\"", "=sid", "sid==",
        "sid=null", "sid=undefined", "sid=%00", "sid=a.b", "sid=.", "sid=" + "........................................",
        "sid;sid;sid", "sid=\u0000", "sid=\uD800", "sid=é", "sid=\r\n", "\"sid\"=x", "sid=sid=sid",
        "sid=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "sid=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB.fiBN-t33gRnNmtheNJyxDOsIIemsrNGadZUeNtgwOFA",
        "sid=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8.fiBN+t33gRnNmtheNJyxDOsIIemsrNGadZUeNtgwOFA",
        "sid=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8.fiBN-t33gRnNmtheNJyxDOsIIemsrNGadZUeNtgwOFB",
        "sid=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8.fiBN-t33gRnNmtheNJyxDOsIIemsrNGadZUeNtgwOF",
        "sid=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8.fiBN-t33gRnNmtheNJyxDOsIIemsrNGadZUeNtgwOFA=",
        "sid=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8..fiBN-t33gRnNmtheNJyxDOsIIemsrNGadZUeNtgwOFA",
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8.fiBN-t33gRnNmtheNJyxDOsIIemsrNGadZUeNtgwOFA",
        "sid=fiBN-t33gRnNmtheNJyxDOsIIemsrNGadZUeNtgwOFA.AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"
    })
    void readOfGarbageIsEmpty(String header) {
        assertThat(policy.read(List.of(header))).isEmpty();
        assertThat(policy.read(List.of("a=b; " + header + "; c=d"))).isEmpty();
    }

    @Test
    void readNeverThrowsOnRandomHeaders() {
        Random random = new Random(20240601L);
        String pool = "sid=;\" ,.\t-_AZaz09+/%\u0000\u00e9\uD83D\uDE00\uD800\uDC00\r\n";
        String signed = policy.sign(id);
        List<String> headers = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            StringBuilder sb = new StringBuilder();
            int length = random.nextInt(200);
            for (int j = 0; j < length; j++) {
                sb.append(random.nextInt(4) == 0 ? (char) random.nextInt(0x10000) : pool.charAt(random.nextInt(pool.length())));
            }
            headers.add(sb.toString());
        }
        for (int i = 0; i < 200; i++) {
            // a valid cookie with one character changed, inserted or deleted
            StringBuilder sb = new StringBuilder("sid=" + signed);
            int at = random.nextInt(sb.length());
            char c = pool.charAt(random.nextInt(pool.length()));
            switch (random.nextInt(3)) {
                case 0 -> sb.setCharAt(at, c);
                case 1 -> sb.insert(at, c);
                default -> sb.deleteCharAt(at);
            }
            headers.add(sb.toString());
        }
        for (String header : headers) {
            assertThatCode(() -> policy.read(List.of(header))).as(header).doesNotThrowAnyException();
            assertThatCode(() -> policy.isPresent(List.of(header))).as(header).doesNotThrowAnyException();
            assertThat(policy.read(List.of(header))).as(header).satisfiesAnyOf(
                    result -> assertThat(result).isEmpty(),
                    result -> assertThat(result).contains(id));
        }
        assertThat(policy.read(headers)).isEmpty();
    }

    @Test
    void readNeverThrowsOnHugeOrOddHeaders() {
        List<String> odd = List.of(
                "sid=" + "A".repeat(100_000),
                ";".repeat(8192),
                "=".repeat(8192),
                "sid=\"" + "\"".repeat(5000),
                "\uDFFF".repeat(9000));
        for (String header : odd) {
            assertThatCode(() -> assertThat(policy.read(List.of(header))).isEmpty()).doesNotThrowAnyException();
        }
    }

    // ---- presence ----

    @Test
    void isPresentIsTrueForAnInvalidCookieOfThisName() {
        assertThat(policy.isPresent(List.of("sid=garbage"))).isTrue();
        assertThat(policy.isPresent(List.of("a=1; sid=" + policy.sign(id)))).isTrue();
    }

    @Test
    void isPresentIsFalseWithoutTheCookie() {
        assertThat(policy.isPresent(null)).isFalse();
        assertThat(policy.isPresent(List.of())).isFalse();
        assertThat(policy.isPresent(List.of("theme=dark; lang=en"))).isFalse();
    }

    @Test
    void isPresentIgnoresCookiesWhoseNameMerelyEndsWithThisName() {
        // "xsid" and "other_sid" are different cookies; they must not make the manager clear "sid"
        assertThat(policy.isPresent(List.of("xsid=abc"))).isFalse();
        assertThat(policy.isPresent(List.of("theme=dark; other_sid=abc"))).isFalse();
    }

    // ---- Set-Cookie ----

    @Test
    void renderSetWritesTheDevelopmentDefaults() {
        String header = policy.renderSet(countingId(), Duration.ofHours(24), false);

        assertThat(header).isEqualTo("sid=" + SessionIdTest.COUNTING_ID + "." + COUNTING_SIGNATURE
                + "; Path=/; Max-Age=86400; HttpOnly; SameSite=Lax");
    }

    @Test
    void renderSetValueReadsBack() {
        String header = policy.renderSet(id, Duration.ofMinutes(30), true);
        String pair = header.substring(0, header.indexOf(';'));

        assertThat(policy.read(List.of(pair))).contains(id);
    }

    @Test
    void renderSetWritesTheConfiguredPath() {
        CookiePolicy scoped = policy(dev().cookiePath("/app"));

        assertThat(scoped.renderSet(id, Duration.ofMinutes(1), false)).contains("; Path=/app;");
        assertThat(scoped.renderClear(false)).contains("; Path=/app;");
    }

    @Test
    void renderSetWritesDomainOnlyWhenConfigured() {
        CookiePolicy withDomain = policy(dev().cookieDomain("example.com"));

        assertThat(policy.renderSet(id, Duration.ofMinutes(1), false)).doesNotContain("Domain");
        assertThat(withDomain.renderSet(id, Duration.ofMinutes(1), false)).contains("; Domain=example.com;");
        assertThat(withDomain.renderClear(false)).contains("; Domain=example.com;");
    }

    @Test
    void renderSetWritesMaxAgeInSecondsForPersistentCookies() {
        assertThat(policy.persistent()).isTrue();
        assertThat(policy.renderSet(id, Duration.ofMinutes(30), false)).contains("; Max-Age=1800;");
        assertThat(policy.renderSet(id, Duration.ofMillis(1500), false)).contains("; Max-Age=1;");
        assertThat(policy.renderSet(id, Duration.ZERO, false)).contains("; Max-Age=0;");
    }

    @Test
    void renderSetNeverWritesANegativeMaxAge() {
        assertThat(policy.renderSet(id, Duration.ofSeconds(-5), false)).contains("; Max-Age=0;");
    }

    @Test
    void renderSetWritesNoMaxAgeForBrowserSessionCookies() {
        CookiePolicy browserSession = policy(dev().cookiePersistent(false));

        assertThat(browserSession.persistent()).isFalse();
        assertThat(browserSession.renderSet(id, Duration.ofHours(1), false))
                .doesNotContain("Max-Age").doesNotContain("Expires");
    }

    @Test
    void renderClearHasAnEmptyValueMaxAgeZeroAndAnExpiryInThePast() {
        assertThat(policy.renderClear(false))
                .isEqualTo("sid=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax");
        assertThat(policy.renderClear(true)).isEqualTo(
                "sid=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax");
    }

    @Test
    void onlyTheClearingCookieCarriesExpires() {
        assertThat(policy.renderSet(id, Duration.ofMinutes(1), true)).doesNotContain("Expires");
        assertThat(policy(dev().cookiePersistent(false)).renderSet(id, Duration.ofMinutes(1), true))
                .doesNotContain("Expires");
        assertThat(policy(dev().cookiePersistent(false)).renderClear(false)).contains("; Expires=Thu, 01 Jan 1970");
    }

    @Test
    void renderClearHasMaxAgeZeroEvenForBrowserSessionCookies() {
        assertThat(policy(dev().cookiePersistent(false)).renderClear(false)).contains("; Max-Age=0;");
    }

    @Test
    void everyCookieIsHttpOnly() {
        assertThat(policy.renderSet(id, Duration.ofMinutes(1), false)).contains("; HttpOnly");
        assertThat(policy.renderSet(id, Duration.ofMinutes(1), true)).contains("; HttpOnly");
        assertThat(policy.renderClear(false)).contains("; HttpOnly");
    }

    @Test
    void renderWritesSecureOnlyWhenAsked() {
        assertThat(policy.renderSet(id, Duration.ofMinutes(1), true)).contains("; Secure");
        assertThat(policy.renderSet(id, Duration.ofMinutes(1), false)).doesNotContain("Secure");
    }

    @Test
    void renderWritesTheConfiguredSameSite() {
        assertThat(policy(dev().sameSite(SameSite.STRICT)).renderSet(id, Duration.ofMinutes(1), false))
                .endsWith("; SameSite=Strict");
        assertThat(policy(dev().sameSite(SameSite.LAX)).renderSet(id, Duration.ofMinutes(1), false))
                .endsWith("; SameSite=Lax");
    }

    @Test
    void sameSiteNoneAlwaysCarriesSecure() {
        CookiePolicy none = policy(dev().sameSite(SameSite.NONE).cookieSecure(true));

        assertThat(none.renderSet(id, Duration.ofMinutes(1), false)).contains("; Secure").endsWith("; SameSite=None");
        assertThat(none.renderClear(false)).contains("; Secure");
    }

    @Test
    void hostAndSecurePrefixedCookiesAlwaysCarrySecure() {
        CookiePolicy host = policy(production());
        CookiePolicy securePrefixed = policy(dev().cookieName("__Secure-sid"));

        assertThat(host.name()).isEqualTo("__Host-sid");
        assertThat(host.renderSet(id, Duration.ofMinutes(1), false)).startsWith("__Host-sid=").contains("; Secure")
                .contains("; Path=/;").doesNotContain("Domain");
        assertThat(securePrefixed.renderSet(id, Duration.ofMinutes(1), false)).contains("; Secure");
        assertThat(securePrefixed.renderClear(false)).contains("; Secure");
    }

    @Test
    void prefixedNamesCarrySecureWhateverTheirCase() {
        // browsers apply the prefix rules case-insensitively and drop a __host- cookie without Secure
        for (String name : List.of("__host-sid", "__HOST-sid", "__secure-sid", "__SeCuRe-sid")) {
            CookiePolicy prefixed = policy(production().cookieName(name));
            assertThat(prefixed.renderSet(id, Duration.ofMinutes(1), false)).as(name).startsWith(name + "=")
                    .contains("; Secure");
            assertThat(prefixed.renderClear(false)).as(name).contains("; Secure");
        }
        assertThat(policy(dev().cookieName("__hostess")).renderSet(id, Duration.ofMinutes(1), false))
                .doesNotContain("Secure");
    }

    @Test
    void hasPrefixIgnoresCaseAndNeedsTheWholePrefix() {
        assertThat(CookiePolicy.hasPrefix("__host-sid", CookiePolicy.HOST_PREFIX)).isTrue();
        assertThat(CookiePolicy.hasPrefix("__HOST-", CookiePolicy.HOST_PREFIX)).isTrue();
        assertThat(CookiePolicy.hasPrefix("__Host", CookiePolicy.HOST_PREFIX)).isFalse();
        assertThat(CookiePolicy.hasPrefix("_Host-sid", CookiePolicy.HOST_PREFIX)).isFalse();
        assertThat(CookiePolicy.hasPrefix(null, CookiePolicy.HOST_PREFIX)).isFalse();
        assertThat(CookiePolicy.hasPrefix("__SECURE-x", CookiePolicy.SECURE_PREFIX)).isTrue();
    }

    @Test
    void renderedHeadersNeverContainTheSecret() {
        assertThat(policy.renderSet(id, Duration.ofMinutes(1), true)).doesNotContain(SECRET);
        assertThat(policy.toString()).doesNotContain(SECRET).contains("secrets=1");
    }

    // ---- Secure decision ----

    @Test
    void secureForFollowsTheRequestInDevelopmentWhenNotConfigured() {
        assertThat(policy.secureFor(true)).isTrue();
        assertThat(policy.secureFor(false)).isFalse();
    }

    @Test
    void secureForIsAlwaysTrueInProductionWhenNotConfigured() {
        CookiePolicy production = policy(production());

        assertThat(production.secureFor(true)).isTrue();
        assertThat(production.secureFor(false)).isTrue();
    }

    @Test
    void secureForUsesTheConfiguredValueWhateverTheRequest() {
        CookiePolicy alwaysSecure = policy(dev().cookieSecure(true));
        CookiePolicy neverSecure = policy(dev().cookieSecure(false));

        assertThat(alwaysSecure.secureFor(false)).isTrue();
        assertThat(alwaysSecure.secureFor(true)).isTrue();
        assertThat(neverSecure.secureFor(true)).isFalse();
        assertThat(neverSecure.secureFor(false)).isFalse();
    }

    @Test
    void secureForFollowsTheTrustedProxyWhenTlsIsOffloaded() {
        CookiePolicy offloaded = policy(production().cookieSecure(false).trustProxy(true).tlsOffloaded(true));
        CookiePolicy offloadedInDevelopment = policy(dev().cookieSecure(false).trustProxy(true).tlsOffloaded(true));
        CookiePolicy offloadedButAlwaysSecure = policy(production().trustProxy(true).tlsOffloaded(true));

        assertThat(offloaded.secureFor(true)).isTrue();
        assertThat(offloaded.secureFor(false)).isFalse();
        assertThat(offloaded.name()).isEqualTo("sid");
        assertThat(offloadedInDevelopment.secureFor(true)).isTrue();
        assertThat(offloadedInDevelopment.secureFor(false)).isFalse();
        assertThat(offloadedButAlwaysSecure.secureFor(false)).isTrue();
    }

    @Test
    void fromRejectsNullSettings() {
        org.assertj.core.api.Assertions.assertThatNullPointerException().isThrownBy(() -> CookiePolicy.from(null));
    }
}
