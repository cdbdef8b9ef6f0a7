package dev.sessionkit;

/** The life-cycle state of a stored session. Only {@link #ACTIVE} sessions can be loaded or written. */
public enum SessionStatus {
    /** In use. */
    ACTIVE,
    /** Ended by its owner (logout). */
    LOGGED_OUT,
    /** Ended by the idle or absolute timeout. */
    EXPIRED,
    /** Ended by someone else: "sign out everywhere", an administrator, a password change. */
    REVOKED,
    /** Ended to make room: a login beyond the per-user session limit replaced it. */
    REPLACED;

    /** The form used in storage and JSON: {@code active}, {@code logged_out}, … */
    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Parses {@link #code()}.
     *
     * @throws IllegalArgumentException for an unknown code
     */
    public static SessionStatus fromCode(String code) {
        for (SessionStatus status : values()) {
            if (status.code().equals(code)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown session status: " + code);
    }
}
