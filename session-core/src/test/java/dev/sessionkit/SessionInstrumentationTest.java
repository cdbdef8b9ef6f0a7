package dev.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionkit.SessionInstrumentation.CookieRejection;
import dev.sessionkit.SessionInstrumentation.Operation;
import dev.sessionkit.SessionInstrumentation.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

final class SessionInstrumentationTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef-test";

    private final TestClock clock = new TestClock();
    private final RecordingStore store = new RecordingStore();
    private final Recorder recorder = new Recorder();
    private final SessionManager manager = SessionManager.builder()
            .settings(SessionSettings.builder().secrets(SECRET).ttl(Duration.ofMinutes(30))
                    .absoluteTtl(Duration.ofHours(8)).touchInterval(Duration.ofMinutes(1)).build())
            .store(store).clock(clock).sweeper(false).instrumentation(recorder).build();

    /** Records every call, as {@code start:op}, {@code stop:op:outcome}, {@code rejected:reason}, {@code written:n}. */
    static final class Recorder implements SessionInstrumentation {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());

        @Override
        public Scope start(Operation operation) {
            events.add("start:" + operation.code());
            return (outcome, error) -> events.add("stop:" + operation.code() + ":" + outcome.code());
        }

        @Override
        public void cookieRejected(CookieRejection reason) {
            events.add("rejected:" + reason.code());
        }

        @Override
        public void sessionWritten(int bytes) {
            events.add("written:" + bytes);
        }

        @Override
        public void sweepFinished(int batches, int purged, Duration took, Outcome outcome) {
            events.add("sweep:" + batches + ":" + purged + ":" + outcome.code());
        }

        List<String> take() {
            List<String> copy = List.copyOf(events);
            events.clear();
            return copy;
        }
    }

    private Optional<String> request(String cookie, Consumer<SessionContext> work) {
        SessionContext context = manager.resolve(cookie == null ? RequestInfo.ofCookie(null) : RequestInfo.ofCookie(cookie));
        work.accept(context);
        return manager.commit(context).setCookie();
    }

    private String newSession() {
        String setCookie = request(null, c -> c.getOrCreate().set("n", 12345)).orElseThrow();
        recorder.take();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    @Test
    void requestStepsAndStoreCallsAreScopedWithStoreCallsNestedInsideTheirStep() {
        request(null, c -> c.getOrCreate().set("n", 12345));

        assertThat(recorder.take()).containsExactly("start:resolve", "stop:resolve:ok", "start:commit",
                "start:create", "stop:create:ok", "written:5", "stop:commit:ok");
    }

    @Test
    void aStoreThatIsDownIsReportedAsUnavailableOnTheCallAndTheStep() {
        String cookie = newSession();
        store.down = true;

        assertThatThrownBy(() -> manager.resolve(RequestInfo.ofCookie(cookie)))
                .isInstanceOf(StoreUnavailableException.class);

        assertThat(recorder.take()).containsExactly("start:resolve", "start:load", "stop:load:unavailable",
                "stop:resolve:unavailable");
    }

    @Test
    void eachKindOfRejectedCookieIsReportedWithItsReason() {
        String cookie = newSession();
        String other = newSession();
        String name = cookie.substring(0, cookie.indexOf('='));
        String value = cookie.substring(cookie.indexOf('=') + 1);
        char last = value.charAt(value.length() - 1);
        String tampered = name + "=" + value.substring(0, value.length() - 1) + (last == 'A' ? 'B' : 'A');

        manager.resolve(RequestInfo.ofCookie(tampered));
        manager.resolve(RequestInfo.ofCookie(name + "=not-a-session"));
        manager.resolve(RequestInfo.ofCookie(name + "=" + value.substring(0, value.length() - 1) + "!"));
        store.sessions.clear();
        manager.resolve(RequestInfo.ofCookie(other));

        assertThat(recorder.take()).filteredOn(e -> e.startsWith("rejected:")).containsExactly(
                "rejected:bad-signature", "rejected:malformed", "rejected:malformed", "rejected:unknown");
    }

    @Test
    void aCookieOfAnEndedOrExpiredSessionIsToldApart() {
        String ended = newSession();
        request(ended, c -> c.session().orElseThrow().invalidate());
        String expired = newSession();
        recorder.take();

        manager.resolve(RequestInfo.ofCookie(ended));
        clock.advance(Duration.ofMinutes(31));
        manager.resolve(RequestInfo.ofCookie(expired));

        assertThat(recorder.take()).filteredOn(e -> e.startsWith("rejected:"))
                .containsExactly("rejected:ended", "rejected:expired");
    }

    @Test
    void aValidCookieAndNoCookieAreNotRejections() {
        String cookie = newSession();

        request(cookie, c -> c.session().orElseThrow());
        request(null, c -> { });

        assertThat(recorder.take()).noneMatch(e -> e.startsWith("rejected:"));
    }

    @Test
    void aFailingInstrumentationNeverBreaksARequest() {
        SessionManager withBroken = SessionManager.builder()
                .settings(SessionSettings.builder().secrets(SECRET).build()).store(store).clock(clock).sweeper(false)
                .instrumentation(new SessionInstrumentation() {
                    @Override
                    public Scope start(Operation operation) {
                        throw new IllegalStateException("instrumentation bug");
                    }

                    @Override
                    public void sessionWritten(int bytes) {
                        throw new IllegalStateException("instrumentation bug");
                    }
                }).instrumentation(recorder).build();

        SessionContext context = withBroken.resolve(RequestInfo.ofCookie(null));
        context.getOrCreate().set("a", "b");

        assertThat(withBroken.commit(context).setCookie()).isPresent();
        assertThat(recorder.take()).contains("start:create", "stop:create:ok", "stop:commit:ok");
    }

    @Test
    void aSweepReportsItsBatchesAndWhatItPurged() {
        newSession();
        newSession();
        clock.advance(Duration.ofHours(9));

        assertThat(manager.sweepNow()).isEqualTo(2);

        assertThat(recorder.take()).containsExactly("start:purge", "stop:purge:ok", "sweep:1:2:ok");
    }

    @Test
    void withoutInstrumentationTheManagerTalksToTheStoreItself() {
        SessionManager plain = SessionManager.builder().settings(SessionSettings.builder().secrets(SECRET).build())
                .store(store).sweeper(false).build();

        assertThat(plain.store()).isSameAs(store);
        assertThat(manager.store()).isSameAs(store);
        assertThat(Operation.CHANGE_KEY.code()).isEqualTo("changeKey");
        assertThat(Operation.END_OTHERS_BY_PRINCIPAL.code()).isEqualTo("endOthersByPrincipal");
        assertThat(Outcome.of(new StoreUnavailableException("load", "down", null))).isEqualTo(Outcome.UNAVAILABLE);
        assertThat(Outcome.of(new IllegalStateException())).isEqualTo(Outcome.ERROR);
    }
}
