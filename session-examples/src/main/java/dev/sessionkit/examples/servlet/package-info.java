/**
 * The account portal as a plain servlet app on embedded Jetty 12, with sessionkit's
 * {@code SessionFilter} registered by hand. Entry point: {@link dev.sessionkit.examples.servlet.ServletDemo}.
 */
package dev.sessionkit.examples.servlet;
