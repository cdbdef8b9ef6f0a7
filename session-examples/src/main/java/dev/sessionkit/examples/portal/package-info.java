/**
 * What the two demo apps share, apart from how they plug sessionkit in: the account portal
 * itself ({@link dev.sessionkit.examples.portal.Portal}: every endpoint's session logic and the
 * HTML pages), the demo users, the JSON error shape, the {@code Origin} check and the health
 * probes. {@code Portal} is the entry point.
 */
package dev.sessionkit.examples.portal;
