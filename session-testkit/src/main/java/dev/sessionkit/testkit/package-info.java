/**
 * Test support for {@link dev.sessionkit.SessionStore} implementations and what runs on them:
 * {@link dev.sessionkit.testkit.SessionStoreContract}, the JUnit 5 suite every store extends to
 * prove it behaves like every other store; {@link dev.sessionkit.testkit.Fixtures}, the snapshots
 * and deltas it writes; {@link dev.sessionkit.testkit.FailingStore}, a store outage for adapter and
 * application tests; {@link dev.sessionkit.testkit.MutableClock}, a clock that tests move instead
 * of sleeping; and {@link dev.sessionkit.testkit.CountingDataSource}, with
 * {@link dev.sessionkit.testkit.SocketRoundTrips} to count round trips at the socket.
 */
package dev.sessionkit.testkit;
