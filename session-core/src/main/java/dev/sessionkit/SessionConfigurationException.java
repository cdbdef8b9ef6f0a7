package dev.sessionkit;

/** A setting is missing or invalid. Thrown at start-up; the message names the setting. */
public final class SessionConfigurationException extends SessionException {

    private final String setting;

    /**
     * @param setting the name of the setting, such as {@code SESSION_TTL}
     * @param message what is wrong and what is accepted; never the value of a secret
     */
    public SessionConfigurationException(String setting, String message) {
        this(setting, message, null);
    }

    /** As {@link #SessionConfigurationException(String, String)}, with a cause. */
    public SessionConfigurationException(String setting, String message, Throwable cause) {
        super("configure", message, cause);
        this.setting = setting;
    }

    /** The setting at fault. */
    public String setting() {
        return setting;
    }
}
