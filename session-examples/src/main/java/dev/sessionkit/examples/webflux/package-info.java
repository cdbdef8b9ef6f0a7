/**
 * The account portal as a Spring WebFlux app on Netty, on the {@code session-spring} starter and
 * {@code session-webflux}. Entry point: {@link dev.sessionkit.examples.webflux.WebFluxDemo}.
 */
package dev.sessionkit.examples.webflux;
