package dev.sessionkit.testkit;

import static dev.sessionkit.testkit.Fixtures.delta;
import static dev.sessionkit.testkit.Fixtures.newKey;
import static dev.sessionkit.testkit.Fixtures.session;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionkit.LookupKey;
import dev.sessionkit.SessionData;
import dev.sessionkit.SessionLimitMode;
import dev.sessionkit.SessionStatus;
import dev.sessionkit.SessionStore;
import dev.sessionkit.StoreUnavailableException;
import dev.sessionkit.Touch;
import java.net.ConnectException;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

final class FailingStoreTest {

    private static final Instant T0 = MutableClock.DEFAULT_START;

    private final ReferenceStoreContractTest.ReferenceStore real = new ReferenceStoreContractTest.ReferenceStore();
    private final FailingStore store = FailingStore.wrapping(real);
    private final SessionData created = session(T0).principal("alice").build();

    /** Every operation, as a call on a store. */
    private Map<FailingStore.Operation, Consumer<SessionStore>> calls() {
        Touch touch = new Touch(T0, T0.plusSeconds(60));
        Map<FailingStore.Operation, Consumer<SessionStore>> calls = new EnumMap<>(FailingStore.Operation.class);
        calls.put(FailingStore.Operation.LOAD, s -> s.load(created.key(), T0));
        calls.put(FailingStore.Operation.CREATE, s -> s.create(session(T0).build()));
        calls.put(FailingStore.Operation.APPLY, s -> s.apply(created.key(), delta().set("a", "1").build(), T0));
        calls.put(FailingStore.Operation.CHANGE_KEY, s -> s.changeKey(newKey(), newKey(), delta().build(), T0));
        calls.put(FailingStore.Operation.RENEW_KEY, s -> s.renewKey(newKey(), newKey(), delta().build(), T0, T0));
        calls.put(FailingStore.Operation.TOUCH, s -> s.touch(created.key(), touch, T0));
        calls.put(FailingStore.Operation.END, s -> s.end(newKey(), SessionStatus.REVOKED, T0));
        calls.put(FailingStore.Operation.FIND_BY_PRINCIPAL, s -> s.findByPrincipal("alice", T0));
        calls.put(FailingStore.Operation.END_BY_PRINCIPAL, s -> s.endByPrincipal("nobody", SessionStatus.REVOKED, T0));
        calls.put(FailingStore.Operation.END_OTHERS_BY_PRINCIPAL,
                s -> s.endOthersByPrincipal("nobody", newKey(), SessionStatus.REVOKED, T0));
        calls.put(FailingStore.Operation.LIMIT_PRINCIPAL,
                s -> s.limitPrincipal("nobody", newKey(), 1, SessionLimitMode.REPLACE_OLDEST, T0));
        calls.put(FailingStore.Operation.FIND_LIVE, s -> s.findLive(T0, 10));
        calls.put(FailingStore.Operation.PURGE_EXPIRED, s -> s.purgeExpired(T0, 10));
        calls.put(FailingStore.Operation.STATS, s -> s.stats(T0));
        calls.put(FailingStore.Operation.PING, SessionStore::ping);
        return calls;
    }

    @Test
    void failAllFailsEveryOperationLikeAnUnreachableBackendAndWritesNothing() {
        store.create(created);
        int writes = store.writes();

        store.failAll();

        assertThat(calls().keySet()).containsExactlyInAnyOrder(FailingStore.Operation.values());
        calls().forEach((operation, call) -> assertThatThrownBy(() -> call.accept(store))
                .as(operation.method())
                .isInstanceOfSatisfying(StoreUnavailableException.class, e -> {
                    assertThat(e.operation()).isEqualTo(operation.method());
                    assertThat(e.getCause()).isInstanceOf(ConnectException.class);
                }));
        assertThat(store.writes()).isEqualTo(writes);
        assertThat(real.load(created.key(), T0)).contains(created);
        assertThat(real.stats(T0).total()).isEqualTo(1);
        assertThat(store.name()).isEqualTo("reference");
    }

    @Test
    void failFailsOnlyTheChosenOperations() {
        store.create(created);

        store.fail(FailingStore.Operation.APPLY, FailingStore.Operation.PING);

        assertThatThrownBy(() -> store.apply(created.key(), delta().set("a", "1").build(), T0))
                .isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(store::ping).isInstanceOf(StoreUnavailableException.class);
        assertThat(store.load(created.key(), T0)).contains(created);
        assertThat(store.touch(created.key(), new Touch(T0, T0.plusSeconds(60)), T0)).isTrue();
    }

    @Test
    void recoverPassesEveryCallThroughAgain() {
        store.failAll();
        store.recover();

        calls().forEach((operation, call) -> assertThatCode(() -> call.accept(store)).as(operation.method())
                .doesNotThrowAnyException());
        assertThat(store.create(created)).isTrue();
        assertThat(store.load(created.key(), T0)).contains(created);
    }

    @Test
    void writesCountsOnlyWritesThatReachTheStore() {
        LookupKey key = created.key();
        store.create(created);
        store.load(key, T0);
        store.findLive(T0, 10);
        store.apply(key, delta().set("a", "1").build(), T0);
        store.touch(key, new Touch(T0, T0.plusSeconds(60)), T0);

        assertThat(store.writes()).isEqualTo(3);
        store.fail(FailingStore.Operation.END);
        assertThatThrownBy(() -> store.end(key, SessionStatus.LOGGED_OUT, T0))
                .isInstanceOf(StoreUnavailableException.class);
        assertThat(store.writes()).isEqualTo(3);
    }

    /** Switched on nothing, the wrapper is the store it wraps: the whole contract holds through it. */
    @Nested
    final class PassingThrough extends SessionStoreContract {

        @Override
        protected SessionStore newStore(MutableClock clock) {
            return FailingStore.wrapping(new ReferenceStoreContractTest.ReferenceStore());
        }

        @Override
        protected void corrupt(SessionStore wrapped, LookupKey key) {
            ((ReferenceStoreContractTest.ReferenceStore) ((FailingStore) wrapped).delegate()).corrupt(key);
        }
    }
}
