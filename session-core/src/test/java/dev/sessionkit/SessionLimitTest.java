package dev.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-user limit and "sign out my other devices" through resolve and commit, as adapters drive them. */
final class SessionLimitTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef-test";

    private final TestClock clock = new TestClock();
    private final RecordingStore store = new RecordingStore();
    private final List<String> destroyed = new ArrayList<>();

    private SessionManager manager(SessionSettings.Builder settings) {
        return SessionManager.builder().settings(settings.build()).store(store).clock(clock).sweeper(false)
                .listener(new SessionListener() {
                    @Override
                    public void sessionDestroyed(LookupKey key, SessionStatus reason) {
                        destroyed.add(reason.code());
                    }
                }).build();
    }

    private static SessionSettings.Builder settings() {
        return SessionSettings.builder().secrets(SECRET).ttl(Duration.ofMinutes(30));
    }

    /** A browser that signs in as {@code user}; returns its cookie, or null when the commit cleared it. */
    private String login(SessionManager manager, String user, List<CommitResult> results) {
        SessionContext context = manager.resolve(RequestInfo.ofCookie(null));
        context.getOrCreate().set("cart", 1);
        context.getOrCreate().login(user);
        CommitResult result = manager.commit(context);
        results.add(result);
        clock.advance(Duration.ofSeconds(1));
        String setCookie = result.setCookie().orElseThrow();
        return setCookie.contains("Max-Age=0") ? null : setCookie.substring(0, setCookie.indexOf(';'));
    }

    private boolean signedIn(SessionManager manager, String cookie) {
        return manager.resolve(RequestInfo.ofCookie(cookie)).session().flatMap(Session::principal).isPresent();
    }

    @Test
    void replaceOldestEndsTheOldestSessionsOfTheUserAtLogin() {
        SessionManager manager = manager(settings().maxSessionsPerUser(2));
        List<CommitResult> results = new ArrayList<>();
        String first = login(manager, "alice", results);
        String second = login(manager, "alice", results);
        String bob = login(manager, "bob", results);
        String third = login(manager, "alice", results);

        assertThat(signedIn(manager, first)).as("the oldest was replaced").isFalse();
        assertThat(signedIn(manager, second)).isTrue();
        assertThat(signedIn(manager, third)).isTrue();
        assertThat(signedIn(manager, bob)).isTrue();
        assertThat(results).noneMatch(CommitResult::loginRefused);
        assertThat(destroyed).containsExactly("replaced");
        assertThat(manager.sessionsOf("alice")).hasSize(2);
    }

    @Test
    void refuseNewKeepsTheExistingSessionsAndSaysTheLoginWasRefused() {
        SessionManager manager = manager(settings().maxSessionsPerUser(1).sessionLimitMode(SessionLimitMode.REFUSE_NEW));
        List<CommitResult> results = new ArrayList<>();
        String first = login(manager, "alice", results);
        String refused = login(manager, "alice", results);

        assertThat(refused).as("the refused login's cookie is cleared").isNull();
        assertThat(results.get(1).loginRefused()).isTrue();
        assertThat(results.get(1).noStore()).isTrue();
        assertThat(results.get(0).loginRefused()).isFalse();
        assertThat(signedIn(manager, first)).isTrue();
        assertThat(manager.sessionsOf("alice")).hasSize(1);
        assertThat(destroyed).containsExactly("revoked");
    }

    @Test
    void aRequestCanSetItsOwnLimitAsSpringSecurityDoesPerUser() {
        SessionManager manager = manager(settings());
        List<CommitResult> results = new ArrayList<>();
        login(manager, "alice", results);
        login(manager, "alice", results);
        SessionContext third = manager.resolve(RequestInfo.ofCookie(null));
        third.getOrCreate().login("alice");
        third.limitLogin(1, SessionLimitMode.REPLACE_OLDEST);
        manager.commit(third);

        assertThat(manager.sessionsOf("alice")).hasSize(1);
        assertThat(destroyed).containsExactly("replaced", "replaced");
    }

    @Test
    void withoutALimitLoginsNeverEndOtherSessions() {
        SessionManager manager = manager(settings());
        List<CommitResult> results = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            login(manager, "alice", results);
        }

        assertThat(manager.sessionsOf("alice")).hasSize(5);
        assertThat(destroyed).isEmpty();
    }

    @Test
    void signOutOtherDevicesEndsEveryOtherSessionOfTheUserNow() {
        SessionManager manager = manager(settings());
        List<CommitResult> results = new ArrayList<>();
        String phone = login(manager, "alice", results);
        String laptop = login(manager, "alice", results);
        String mine = login(manager, "alice", results);
        String bob = login(manager, "bob", results);

        SessionContext context = manager.resolve(RequestInfo.ofCookie(mine));
        assertThat(context.signOutOtherDevices()).isEqualTo(2);
        manager.commit(context);

        assertThat(signedIn(manager, mine)).isTrue();
        assertThat(signedIn(manager, phone)).isFalse();
        assertThat(signedIn(manager, laptop)).isFalse();
        assertThat(signedIn(manager, bob)).isTrue();
        assertThat(destroyed).containsExactly("revoked", "revoked");
        assertThat(manager.resolve(RequestInfo.ofCookie(null)).signOutOtherDevices()).as("no session, nothing to do")
                .isZero();
    }
}
