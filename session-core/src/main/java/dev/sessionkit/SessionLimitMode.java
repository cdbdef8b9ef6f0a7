package dev.sessionkit;

import java.util.Locale;

/**
 * What a login does when its principal already has {@code SESSION_MAX_PER_USER} live sessions
 * ({@code SESSION_MAX_PER_USER_MODE}).
 */
public enum SessionLimitMode {

    /**
     * The default: the login succeeds and the principal's oldest sessions end with
     * {@link SessionStatus#REPLACED} until the limit holds ("you were signed in elsewhere").
     */
    REPLACE_OLDEST,

    /**
     * The login is refused and the existing sessions stay: the session that was about to sign in
     * ends with {@link SessionStatus#REVOKED}, and {@link CommitResult#loginRefused()} says so.
     */
    REFUSE_NEW;

    /** The form used in settings: {@code replace_oldest}, {@code refuse_new}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    static SessionLimitMode parse(String setting, String text) {
        return switch (text.toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "replace_oldest" -> REPLACE_OLDEST;
            case "refuse_new" -> REFUSE_NEW;
            default -> throw new SessionConfigurationException(setting,
                    setting + " must be replace_oldest or refuse_new, not '" + text + "'");
        };
    }
}
