/**
 * Test support for {@link dev.sessionkit.SessionStore} implementations:
 * {@link dev.sessionkit.testkit.SessionStoreContract}, the JUnit 5 suite every store extends to
 * prove it behaves like every other store, and {@link dev.sessionkit.testkit.MutableClock}, a
 * clock that tests move instead of sleeping.
 */
package dev.sessionkit.testkit;
