package dev.sessionkit;

/** Which store to use; the value of {@code SESSION_STORE}. */
public enum StoreKind {
    /** JDBC when a database URL is set, memory otherwise. */
    AUTO,
    /** The in-memory Caffeine store ({@code session-memory}). */
    MEMORY,
    /** The PostgreSQL store ({@code session-postgres}). */
    JDBC
}
