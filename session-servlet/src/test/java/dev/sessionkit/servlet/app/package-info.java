/**
 * The test application's own attribute classes: the package the tests' manager allows as attribute
 * types ({@code SESSION_ATTRIBUTE_TYPES=dev.sessionkit.servlet.app.}), so that classes of
 * {@code dev.sessionkit.servlet} itself stand for classes outside the allow-list.
 */
package dev.sessionkit.servlet.app;
