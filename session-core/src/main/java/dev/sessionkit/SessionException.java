package dev.sessionkit;

/**
 * The base of every failure sessionkit reports about its backends and its configuration.
 * Match on the subtype, never on the message.
 */
public abstract sealed class SessionException extends RuntimeException
        permits AttributeSerializationException, SessionConfigurationException, StoreUnavailableException {

    private final String operation;

    SessionException(String operation, String message, Throwable cause) {
        super(message, cause);
        this.operation = operation;
    }

    /** The operation that failed, such as {@code load} or {@code apply}; never null. */
    public String operation() {
        return operation;
    }
}
