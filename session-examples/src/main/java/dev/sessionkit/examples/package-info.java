/**
 * Runnable demo apps. {@link dev.sessionkit.examples.MinimalDemo} is the smallest: the JDK's HTTP
 * server and {@code SessionManager} used directly. The account portal runs twice, with one HTTP
 * contract: as a plain servlet app ({@link dev.sessionkit.examples.servlet.ServletDemo}) and as a
 * Spring Boot app ({@link dev.sessionkit.examples.spring.SpringDemo}); what they share is in
 * {@link dev.sessionkit.examples.portal}.
 */
package dev.sessionkit.examples;
