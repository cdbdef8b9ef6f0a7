package dev.sessionkit;

import java.util.Objects;

/**
 * An attribute value cannot be stored, so {@code set} refused it and the session is unchanged:
 * Jackson cannot write it, its JSON could not be read back as the same value, it names a type that
 * is not allowed, it is too large or too deep, the session holds too many attributes, or its JSON
 * holds something no store accepts (a {@code \u0000} or a lone surrogate). Every store refuses the
 * same values, so a value that fails in production fails in development too. Match on
 * {@link #reason()}, never on the message; the message names the attribute and the class, never
 * the value.
 */
public final class AttributeSerializationException extends SessionException {

    /** Why a value was refused. */
    public enum Reason {
        /** Jackson cannot write the value, or could not read it back as what was set. */
        NOT_SERIALIZABLE,
        /** The value is, or holds, a class outside the allowed attribute types. */
        TYPE_NOT_ALLOWED,
        /** The value's JSON is larger than {@code SESSION_MAX_ATTRIBUTE_SIZE}. */
        ATTRIBUTE_TOO_LARGE,
        /** All attributes together would be larger than {@code SESSION_MAX_SESSION_SIZE}. */
        SESSION_TOO_LARGE,
        /** The session would hold more than {@code SESSION_MAX_ATTRIBUTES} attributes. */
        TOO_MANY_ATTRIBUTES,
        /** The value's JSON nests deeper than {@code SESSION_MAX_ATTRIBUTE_DEPTH}. */
        TOO_DEEP,
        /** A string or name holds {@code \u0000} or an unpaired surrogate. */
        NOT_STORABLE
    }

    private final String attributeName;
    private final Reason reason;

    /**
     * @param attributeName the attribute at fault
     * @param message       what is wrong, without the value
     * @param cause         Jackson's exception, or null
     */
    public AttributeSerializationException(String attributeName, String message, Throwable cause) {
        this(attributeName, Reason.NOT_SERIALIZABLE, message, cause);
    }

    /**
     * @param attributeName the attribute at fault
     * @param reason        why the value was refused
     * @param message       what is wrong, without the value
     * @param cause         Jackson's exception, or null
     */
    public AttributeSerializationException(String attributeName, Reason reason, String message, Throwable cause) {
        super("setAttribute", message, cause);
        this.attributeName = attributeName;
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** The name of the attribute that could not be stored. */
    public String attributeName() {
        return attributeName;
    }

    /** Why the value was refused. */
    public Reason reason() {
        return reason;
    }

    /** True for the size, count and depth limits: the client sent too much (an HTTP adapter may answer 413). */
    public boolean isLimit() {
        return reason == Reason.ATTRIBUTE_TOO_LARGE || reason == Reason.SESSION_TOO_LARGE
                || reason == Reason.TOO_MANY_ATTRIBUTES || reason == Reason.TOO_DEEP;
    }
}
