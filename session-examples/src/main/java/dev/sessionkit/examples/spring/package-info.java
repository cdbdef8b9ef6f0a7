/**
 * The account portal as a Spring Boot app on the {@code session-spring} starter. Entry point:
 * {@link dev.sessionkit.examples.spring.SpringDemo}.
 */
package dev.sessionkit.examples.spring;
