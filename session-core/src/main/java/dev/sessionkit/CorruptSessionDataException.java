package dev.sessionkit;

/**
 * Stored data could not be read back. Stores treat such a session as absent and log it once; this
 * exception reaches users only from tools that read stored data directly.
 */
public final class CorruptSessionDataException extends SessionException {

    private final LookupKey key;

    /**
     * @param key     the session's key
     * @param message what was wrong
     * @param cause   the parser's exception, or null
     */
    public CorruptSessionDataException(LookupKey key, String message, Throwable cause) {
        super("load", message, cause);
        this.key = key;
    }

    /** The key of the unreadable session. */
    public LookupKey key() {
        return key;
    }
}
