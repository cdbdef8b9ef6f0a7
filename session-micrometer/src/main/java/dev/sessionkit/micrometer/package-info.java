/**
 * Micrometer meters and observations for sessionkit; the entry point is
 * {@link dev.sessionkit.micrometer.SessionkitMetrics}.
 */
package dev.sessionkit.micrometer;
