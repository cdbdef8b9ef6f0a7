package dev.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** {@code SESSION_HEADER}: the signed session id in a request and response header, beside the cookie. */
final class SessionHeaderTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef-test";
    private static final String HEADER = "X-Session-Token";
    private static final String TOKEN = "[A-Za-z0-9_-]{43}\\.[A-Za-z0-9_-]{43}";

    private final TestClock clock = new TestClock();
    private final RecordingStore store = new RecordingStore();

    private static SessionSettings.Builder settings() {
        return SessionSettings.builder().secrets(SECRET).ttl(Duration.ofMinutes(30)).absoluteTtl(Duration.ofHours(8))
                .touchInterval(Duration.ofMinutes(1));
    }

    private SessionManager manager(SessionSettings.Builder settings) {
        return SessionManager.builder().settings(settings.build()).store(store).clock(clock).sweeper(false).build();
    }

    private SessionManager withHeader() {
        return manager(settings().sessionHeader(HEADER));
    }

    private static RequestInfo viaHeader(String token) {
        return RequestInfo.builder().sessionHeader(token).build();
    }

    private static CommitResult request(SessionManager manager, RequestInfo request, Consumer<SessionContext> work) {
        SessionContext context = manager.resolve(request);
        work.accept(context);
        return manager.commit(context);
    }

    private static String cookieValue(CommitResult result) {
        String setCookie = result.setCookie().orElseThrow();
        return setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
    }

    /** A new session created by a client that sent neither cookie nor header; returns the token it got. */
    private String establish(SessionManager manager) {
        CommitResult created = request(manager, RequestInfo.builder().build(), c -> c.getOrCreate().set("n", 1));
        store.writes.clear();
        return created.header().orElseThrow().value();
    }

    @Test
    void creationReturnsTheHeaderWithTheCookiesValueAndNoStore() {
        SessionManager manager = withHeader();

        CommitResult created = request(manager, RequestInfo.builder().build(), c -> c.getOrCreate().set("n", 1));

        CommitResult.Header header = created.header().orElseThrow();
        assertThat(header.name()).isEqualTo(HEADER);
        assertThat(header.value()).matches(TOKEN).isEqualTo(cookieValue(created));
        assertThat(header.ended()).isFalse();
        assertThat(created.noStore()).isTrue();
    }

    @Test
    void theHeaderAloneResumesTheSessionAndAReadSendsNothing() {
        SessionManager manager = withHeader();
        String token = establish(manager);

        SessionContext context = manager.resolve(viaHeader(token));

        assertThat(context.session().orElseThrow().get("n", Integer.class)).contains(1);
        assertThat(context.requestedViaHeader()).isTrue();
        assertThat(context.requestedSessionValid()).isTrue();
        CommitResult result = manager.commit(context);
        assertThat(result.header()).isEmpty();
        assertThat(result.setCookie()).isEmpty();
        assertThat(result.noStore()).isFalse();
        assertThat(store.writes).isEmpty();
    }

    @Test
    void rotationReturnsANewTokenAndTheOldOneIsDead() {
        SessionManager manager = withHeader();
        String token = establish(manager);

        CommitResult rotated = request(manager, viaHeader(token), c -> c.session().orElseThrow().login("alice"));

        String fresh = rotated.header().orElseThrow().value();
        assertThat(fresh).matches(TOKEN).isNotEqualTo(token).isEqualTo(cookieValue(rotated));
        assertThat(manager.resolve(viaHeader(token)).session()).isEmpty();
        assertThat(manager.resolve(viaHeader(fresh)).session().orElseThrow().principal()).contains("alice");
    }

    @Test
    void tamperedHeaderIsAnonymousAndWritesNothing() {
        SessionManager manager = withHeader();
        String token = establish(manager);
        String tampered = token.substring(0, token.length() - 2) + (token.endsWith("A") ? "BB" : "AA");

        SessionContext context = manager.resolve(viaHeader(tampered));

        assertThat(context.session()).isEmpty();
        assertThat(context.cookiePresent()).isTrue();
        assertThat(manager.commit(context).header()).isEmpty();
        assertThat(store.writes).isEmpty();
    }

    @Test
    void headerWinsOverTheCookieEvenWhenItIsBad() {
        SessionManager manager = withHeader();
        String alice = establish(manager);
        String bob = request(manager, RequestInfo.builder().build(), c -> c.getOrCreate().set("n", 2)).header()
                .orElseThrow().value();
        String bobCookie = "sid=" + bob;

        SessionContext both = manager.resolve(RequestInfo.builder().cookieHeaders(List.of(bobCookie))
                .sessionHeader(alice).build());
        assertThat(both.session().orElseThrow().get("n", Integer.class)).as("the header's session").contains(1);

        SessionContext badHeader = manager.resolve(RequestInfo.builder().cookieHeaders(List.of(bobCookie))
                .sessionHeader("garbage").build());
        assertThat(badHeader.session()).as("a bad header is not made good by a cookie").isEmpty();

        SessionContext blankHeader = manager.resolve(RequestInfo.builder().cookieHeaders(List.of(bobCookie))
                .sessionHeader("  ").build());
        assertThat(blankHeader.session().orElseThrow().get("n", Integer.class)).as("a blank header is no header")
                .contains(2);
        assertThat(blankHeader.requestedViaHeader()).isFalse();
    }

    @Test
    void headerSentOnSeveralLinesIsAnonymous() {
        SessionManager manager = withHeader();
        String token = establish(manager);

        assertThat(manager.resolve(viaHeader(token + "," + token)).session()).isEmpty();
        assertThat(manager.resolve(viaHeader(" " + token + " ")).session()).as("surrounding blanks are trimmed")
                .isPresent();
    }

    @Test
    void logoutThroughTheHeaderSendsAnEmptyHeader() {
        SessionManager manager = withHeader();
        String token = establish(manager);

        CommitResult result = request(manager, viaHeader(token), SessionContext::invalidate);

        CommitResult.Header header = result.header().orElseThrow();
        assertThat(header.name()).isEqualTo(HEADER);
        assertThat(header.value()).isEmpty();
        assertThat(header.ended()).isTrue();
        assertThat(result.setCookie()).hasValueSatisfying(c -> assertThat(c).contains("Max-Age=0"));
        assertThat(result.noStore()).isTrue();
        assertThat(store.writes).containsExactly("end");
        assertThat(manager.resolve(viaHeader(token)).session()).isEmpty();
    }

    @Test
    void aClientThatCameWithTheCookieAloneGetsNoHeader() {
        SessionManager manager = withHeader();
        String token = establish(manager);

        CommitResult rotated = request(manager, RequestInfo.ofCookie("sid=" + token),
                c -> c.session().orElseThrow().login("alice"));

        assertThat(rotated.setCookie()).isPresent();
        assertThat(rotated.header()).as("a browser's id stays in its HttpOnly cookie").isEmpty();
        String cookie = cookieValue(rotated);
        assertThat(request(manager, RequestInfo.ofCookie("sid=" + cookie), SessionContext::invalidate).header())
                .isEmpty();
    }

    @Test
    void headerOffByDefaultIgnoresTheHeaderAndSendsNone() {
        SessionManager on = withHeader();
        String token = establish(on);
        SessionManager off = manager(settings());

        SessionContext context = off.resolve(viaHeader(token));

        assertThat(context.session()).isEmpty();
        assertThat(context.requestedViaHeader()).isFalse();
        assertThat(context.cookiePresent()).isFalse();
        CommitResult created = request(off, viaHeader(token), c -> c.getOrCreate().set("n", 3));
        assertThat(created.setCookie()).isPresent();
        assertThat(created.header()).isEmpty();
        assertThat(off.resolve(RequestInfo.ofCookie("sid=" + token)).session()).as("the cookie still works").isPresent();
    }

    @Test
    void tokenSignedWithAnOlderSecretIsReSignedInTheHeader() {
        String oldSecret = "old-secret-old-secret-old-secret-0000";
        String token = establish(withHeader());
        SessionManager after = manager(settings().secrets(List.of(oldSecret, SECRET)).sessionHeader(HEADER));

        CommitResult result = request(after, viaHeader(token), c -> { });

        assertThat(result.header().orElseThrow().value()).isNotEqualTo(token)
                .startsWith(token.substring(0, token.indexOf('.')));
    }

    @Test
    void aNewSessionsEarlyHeadersCarryTheHeaderToo() {
        SessionManager manager = withHeader();
        SessionContext context = manager.resolve(RequestInfo.builder().build());
        context.getOrCreate();

        CommitResult early = manager.newSessionHeaders(context);

        assertThat(early.header().orElseThrow().value()).matches(TOKEN).isEqualTo(cookieValue(early));
        assertThat(manager.newSessionCookie(context)).contains(early.setCookie().orElseThrow());
        CommitResult committed = manager.commit(context);
        assertThat(store.writes).as("a promised cookie names a stored session").containsExactly("create");
        assertThat(committed.header().orElseThrow()).isEqualTo(early.header().orElseThrow());
    }

    @Test
    void theTokenNeverShowsInToString() {
        SessionManager manager = withHeader();
        String token = establish(manager);
        CommitResult rotated = request(manager, viaHeader(token), c -> c.session().orElseThrow().regenerateId());
        String fresh = rotated.header().orElseThrow().value();
        String id = token.substring(0, token.indexOf('.'));

        assertThat(viaHeader(token).toString()).doesNotContain(token).doesNotContain(id).contains("masked");
        assertThat(rotated.toString()).doesNotContain(fresh).contains(HEADER);
        assertThat(rotated.header().orElseThrow().toString()).isEqualTo(HEADER + " (masked)");
        assertThat(new CommitResult.Header(HEADER, "").toString()).isEqualTo(HEADER + " (ended)");
    }

    @Test
    @SuppressWarnings("deprecation")
    void theDeprecatedConstructorStillBuildsTheSameRequest() {
        RequestInfo old = new RequestInfo(List.of("sid=x"), true, "10.0.0.1", "ua", "https", "203.0.113.7");
        RequestInfo built = RequestInfo.builder().cookieHeaders(List.of("sid=x")).secure(true).remoteAddress("10.0.0.1")
                .userAgent("ua").forwardedProto("https").forwardedFor("203.0.113.7").build();

        assertThat(old).isEqualTo(built).hasSameHashCodeAs(built);
        assertThat(old.sessionHeader()).isNull();
        assertThat(RequestInfo.builder().cookieHeaders(java.util.Arrays.asList("a=1", null)).build().cookieHeaders())
                .containsExactly("a=1");
        assertThat(RequestInfo.builder().cookieHeaders(null).build().cookieHeaders()).isEmpty();
    }

    @Test
    void theSettingIsOffWhenSetToNullAndSurvivesNewBuilder() {
        SessionSettings on = settings().sessionHeader(HEADER).build();

        assertThat(on.newBuilder().build().sessionHeader()).isEqualTo(HEADER);
        assertThat(on.newBuilder().sessionHeader(null).build().sessionHeader()).isNull();
        assertThat(on.toString()).contains("sessionHeader=" + HEADER);
    }
}
