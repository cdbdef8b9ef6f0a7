package dev.sessionkit;

import java.util.Locale;

/** The cookie's {@code SameSite} attribute. {@link #NONE} is allowed only with {@code Secure}. */
public enum SameSite {
    /** Sent only on same-site requests. */
    STRICT("Strict"),
    /** Sent on same-site requests and top-level cross-site navigations: the default. */
    LAX("Lax"),
    /** Sent on every request; requires {@code Secure}. */
    NONE("None");

    private final String attribute;

    SameSite(String attribute) {
        this.attribute = attribute;
    }

    /** The attribute value as written in {@code Set-Cookie}. */
    public String attribute() {
        return attribute;
    }

    static SameSite parse(String setting, String text) {
        for (SameSite value : values()) {
            if (value.attribute.equalsIgnoreCase(text.trim())) {
                return value;
            }
        }
        throw new SessionConfigurationException(setting,
                setting + " must be Strict, Lax or None, not '" + text + "'");
    }

    @Override
    public String toString() {
        return attribute.toLowerCase(Locale.ROOT);
    }
}
