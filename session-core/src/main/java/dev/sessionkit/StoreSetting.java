package dev.sessionkit;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One setting a store reads: its environment variable and the name frameworks use for it.
 *
 * <p>A {@link StoreProvider} lists its settings so that adapters can map their own configuration
 * onto them without knowing the store: the Spring Boot starter reads
 * {@code sessionkit.<store>.<property>} (for example {@code sessionkit.postgres.pool-size}) and
 * hands the value to the store as the variable ({@code SESSION_DB_POOL_SIZE}), where the store's
 * own parsing and validation apply. A value that fails names the variable, and the starter
 * translates it back to the property.
 */
public final class StoreSetting {

    private static final Pattern VARIABLE = Pattern.compile("[A-Z][A-Z0-9_]*");
    private static final Pattern PROPERTY = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

    private final String variable;
    private final String property;
    private final String description;
    private final boolean secret;

    private StoreSetting(String variable, String property, String description, boolean secret) {
        this.variable = variable;
        this.property = property;
        this.description = description;
        this.secret = secret;
    }

    /**
     * A setting.
     *
     * @param variable    the environment variable, upper case ({@code SESSION_DB_POOL_SIZE})
     * @param property    the property under the store's name, kebab case ({@code pool-size})
     * @param description one line for documentation and error reports
     * @throws IllegalArgumentException when a name has the wrong form
     */
    public static StoreSetting of(String variable, String property, String description) {
        return create(variable, property, description, false);
    }

    /** As {@link #of}, for a value that must never be shown (a password, a URL holding one). */
    public static StoreSetting secret(String variable, String property, String description) {
        return create(variable, property, description, true);
    }

    private static StoreSetting create(String variable, String property, String description, boolean secret) {
        if (variable == null || !VARIABLE.matcher(variable).matches()) {
            throw new IllegalArgumentException("a store setting's variable must be upper case, like ACME_URL: " + variable);
        }
        if (property == null || !PROPERTY.matcher(property).matches()) {
            throw new IllegalArgumentException("a store setting's property must be kebab case, like pool-size: " + property);
        }
        return new StoreSetting(variable, property, Objects.requireNonNull(description, "description"), secret);
    }

    /** The environment variable. */
    public String variable() {
        return variable;
    }

    /** The property name under the store's name, such as {@code pool-size}. */
    public String property() {
        return property;
    }

    /** What the setting does, one line. */
    public String description() {
        return description;
    }

    /** True when the value must never be logged or shown. */
    public boolean secret() {
        return secret;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoreSetting other && variable.equals(other.variable) && property.equals(other.property);
    }

    @Override
    public int hashCode() {
        return variable.hashCode() * 31 + property.hashCode();
    }

    @Override
    public String toString() {
        return variable + " (" + property + ")";
    }
}
