package dev.sessionkit;

import java.util.Locale;

/**
 * Which attribute values a commit writes ({@code SESSION_SAVE_MODE}).
 */
public enum SaveMode {

    /**
     * The default: values set, and mutable values read, during the request are encoded again at
     * commit and written when their JSON differs from what was loaded or set, so a cart or a
     * session-scoped bean changed in place is saved as a container would save it. Costs one
     * encoding per mutable value read; nothing is written when nothing changed.
     */
    ON_CHANGE,

    /**
     * Only {@code set} and {@code remove} write (a value set in this request is encoded again at
     * commit, so changes made to it after {@code set} are kept); values read and changed in place
     * without being set again are not saved.
     */
    ON_SET;

    static SaveMode parse(String setting, String text) {
        return switch (text.toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "on_change" -> ON_CHANGE;
            case "on_set" -> ON_SET;
            default -> throw new SessionConfigurationException(setting,
                    setting + " must be on_change or on_set, not '" + text + "'");
        };
    }
}
