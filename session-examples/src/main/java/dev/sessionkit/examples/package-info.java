/** Runnable demo apps; {@link dev.sessionkit.examples.MinimalDemo} is the smallest. */
package dev.sessionkit.examples;
