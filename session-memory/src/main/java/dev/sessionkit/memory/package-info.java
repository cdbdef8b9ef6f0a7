/**
 * The in-memory session store: {@link dev.sessionkit.memory.CaffeineSessionStore}, built on
 * Caffeine, the development default and a single-instance store. Selected with
 * {@code SESSION_STORE=memory} (or {@code auto} without a database) through
 * {@link dev.sessionkit.memory.MemoryStoreProvider}.
 */
package dev.sessionkit.memory;
