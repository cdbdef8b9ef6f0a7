package dev.sessionkit;

/**
 * The store could not be reached or did not answer in time. Adapters answer 503; the store
 * recovers by itself when its backend returns.
 */
public final class StoreUnavailableException extends SessionException {

    /**
     * @param operation the store operation that failed
     * @param message   what happened, without session ids or attribute values
     * @param cause     the backend's exception, or null
     */
    public StoreUnavailableException(String operation, String message, Throwable cause) {
        super(operation, message, cause);
    }
}
