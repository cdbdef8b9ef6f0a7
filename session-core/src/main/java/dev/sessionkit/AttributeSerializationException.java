package dev.sessionkit;

/**
 * An attribute value cannot be stored: Jackson cannot write it as JSON, or the JSON holds
 * something no store accepts (a {@code \u0000} or a lone surrogate in a string). Every store
 * rejects the same values, so a value that fails in production fails in development too.
 */
public final class AttributeSerializationException extends SessionException {

    private final String attributeName;

    /**
     * @param attributeName the attribute at fault
     * @param message       what is wrong, without the value
     * @param cause         Jackson's exception, or null
     */
    public AttributeSerializationException(String attributeName, String message, Throwable cause) {
        super("setAttribute", message, cause);
        this.attributeName = attributeName;
    }

    /** The name of the attribute that could not be stored. */
    public String attributeName() {
        return attributeName;
    }
}
