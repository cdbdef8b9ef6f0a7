/**
 * Spring WebFlux integration: {@link dev.sessionkit.webflux.SessionkitWebSessionManager} is a
 * {@code WebSessionManager}, so {@code ServerWebExchange.getSession()} (and Spring Security's
 * session-backed repositories) run on sessionkit, on any store, without blocking an event loop.
 *
 * <p>The entry points are {@link dev.sessionkit.webflux.SessionkitWebSessionManager#builder(dev.sessionkit.SessionManager)}
 * and {@link dev.sessionkit.webflux.SessionWebExceptionHandler}, which answers 503 when the store
 * is down. Everything else here is package-private plumbing.
 */
package dev.sessionkit.webflux;
