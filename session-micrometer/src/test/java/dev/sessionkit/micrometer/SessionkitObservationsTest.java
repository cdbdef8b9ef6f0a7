package dev.sessionkit.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionkit.RequestInfo;
import dev.sessionkit.SessionContext;
import dev.sessionkit.SessionManager;
import dev.sessionkit.SessionSettings;
import dev.sessionkit.StoreUnavailableException;
import dev.sessionkit.memory.CaffeineSessionStore;
import dev.sessionkit.testkit.FailingStore;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

final class SessionkitObservationsTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef-observe";

    private static SessionManager manager(SimpleMeterRegistry meters, ObservationRegistry observations,
            FailingStore store) {
        return SessionkitMetrics.builder(meters).observations(observations).build()
                .build(SessionManager.builder().settings(SessionSettings.builder().secrets(SECRET).build())
                        .store(store).sweeper(false));
    }

    private static String oneSession(SessionManager manager) {
        SessionContext context = manager.resolve(RequestInfo.ofCookie(null));
        context.getOrCreate().set("cart", List.of("apples"));
        String cookie = manager.commit(context).setCookie().orElseThrow();
        return cookie.substring(0, cookie.indexOf(';'));
    }

    /** Records each observation as it stops: "name/key=value,.../contextual name < parent's contextual name". */
    static final class Spans implements ObservationHandler<Observation.Context> {
        final List<String> stopped = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void onStop(Observation.Context context) {
            String keys = context.getLowCardinalityKeyValues().stream().map(k -> k.getKey() + "=" + k.getValue())
                    .collect(Collectors.joining(","));
            io.micrometer.observation.ObservationView parent = context.getParentObservation();
            String parentName = parent == null ? "-" : parent.getContextView().getContextualName();
            stopped.add(context.getName() + "/" + keys + "/" + context.getContextualName() + " < " + parentName);
        }

        @Override
        public boolean supportsContext(Observation.Context context) {
            return true;
        }
    }

    @Test
    void requestStepsAndStoreCallsAreObservationsAndStoreCallsNestInTheirStep() {
        Spans spans = new Spans();
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(spans);
        try (SessionManager manager = manager(new SimpleMeterRegistry(), observations,
                FailingStore.wrapping(CaffeineSessionStore.builder().build()))) {
            String cookie = oneSession(manager);
            SessionContext context = manager.resolve(RequestInfo.ofCookie(cookie));
            context.session().orElseThrow().set("n", 2);
            manager.commit(context);
        }

        assertThat(spans.stopped).containsExactly(
                "sessionkit.request.steps/outcome=ok,step=resolve/sessionkit resolve < -",
                "sessionkit.store.operations/operation=create,outcome=ok/sessionkit create < sessionkit commit",
                "sessionkit.request.steps/outcome=ok,step=commit/sessionkit commit < -",
                "sessionkit.store.operations/operation=load,outcome=ok/sessionkit load < sessionkit resolve",
                "sessionkit.request.steps/outcome=ok,step=resolve/sessionkit resolve < -",
                "sessionkit.store.operations/operation=apply,outcome=ok/sessionkit apply < sessionkit commit",
                "sessionkit.request.steps/outcome=ok,step=commit/sessionkit commit < -");
    }

    @Test
    void anEnclosingObservationIsTheParentOfTheRequestStep() {
        Spans spans = new Spans();
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(spans);
        try (SessionManager manager = manager(new SimpleMeterRegistry(), observations,
                FailingStore.wrapping(CaffeineSessionStore.builder().build()))) {
            Observation.createNotStarted("http.server.requests", observations).contextualName("http get")
                    .observe(() -> oneSession(manager));
        }

        assertThat(spans.stopped).filteredOn(s -> s.startsWith("sessionkit.request.steps"))
                .allMatch(s -> s.endsWith(" < http get"));
    }

    @Test
    void aFailedStoreCallIsAnObservationWithItsErrorAndOutcome() {
        TestObservationRegistry observations = TestObservationRegistry.create();
        FailingStore store = FailingStore.wrapping(CaffeineSessionStore.builder().build());
        try (SessionManager manager = manager(new SimpleMeterRegistry(), observations, store)) {
            String cookie = oneSession(manager);
            store.fail(FailingStore.Operation.LOAD);
            assertThatThrownBy(() -> manager.resolve(RequestInfo.ofCookie(cookie)))
                    .isInstanceOf(StoreUnavailableException.class);
        }

        TestObservationRegistryAssert.assertThat(observations)
                .hasNumberOfObservationsWithNameEqualTo(SessionkitMetrics.STORE_OPERATIONS, 2)
                .hasAnObservation(o -> o.hasNameEqualTo(SessionkitMetrics.STORE_OPERATIONS)
                        .hasLowCardinalityKeyValue("operation", "load").hasLowCardinalityKeyValue("outcome", "unavailable")
                        .hasError())
                .hasAnObservation(o -> o.hasNameEqualTo(SessionkitMetrics.REQUEST_STEPS)
                        .hasLowCardinalityKeyValue("step", "resolve").hasLowCardinalityKeyValue("outcome", "unavailable")
                        .hasContextualNameEqualTo("sessionkit resolve"));
    }

    @Test
    void withTheMeterObservationHandlerEachTimerHasTheSameNameAndTagsAsWithoutObservations() {
        SimpleMeterRegistry viaObservations = new SimpleMeterRegistry();
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(viaObservations));
        SimpleMeterRegistry direct = new SimpleMeterRegistry();
        for (SessionManager manager : List.of(manager(viaObservations, observations,
                FailingStore.wrapping(CaffeineSessionStore.builder().build())),
                SessionkitMetrics.builder(direct).build().build(SessionManager.builder()
                        .settings(SessionSettings.builder().secrets(SECRET).build())
                        .store(CaffeineSessionStore.builder().build()).sweeper(false)))) {
            try (manager) {
                oneSession(manager);
            }
        }

        for (String name : List.of(SessionkitMetrics.REQUEST_STEPS, SessionkitMetrics.STORE_OPERATIONS)) {
            Set<String> observed = tagKeys(viaObservations, name);
            assertThat(observed).as(name).isNotEmpty().isEqualTo(tagKeys(direct, name));
            assertThat(viaObservations.get(name).timers()).as(name).allMatch(t -> t.count() > 0);
        }
        assertThat(viaObservations.get(SessionkitMetrics.STORE_OPERATIONS).tags("operation", "create", "outcome", "ok",
                "error", "none").timer().count()).isEqualTo(1);
    }

    private static Set<String> tagKeys(SimpleMeterRegistry registry, String name) {
        Set<String> keys = new TreeSet<>();
        for (Meter meter : registry.find(name).meters()) {
            if (meter instanceof io.micrometer.core.instrument.Timer) {
                meter.getId().getTags().stream().map(Tag::getKey).forEach(keys::add);
            }
        }
        return keys;
    }
}
