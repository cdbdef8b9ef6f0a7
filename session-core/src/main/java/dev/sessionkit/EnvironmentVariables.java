package dev.sessionkit;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.LongConsumer;

/**
 * A read-only view of environment variables with the parsing rules every sessionkit setting
 * shares: unset and blank variables count as unset, values are trimmed, and a value that does not
 * parse fails with a {@link SessionConfigurationException} naming the variable.
 *
 * <p>Core reads its own settings through it ({@link SessionSettings#fromEnvironment(Map)}), and a
 * store reads its settings through the one in its {@link StoreContext}, so a third-party store
 * accepts the same forms ({@code 30s}, {@code true}/{@code off}, …) as the built-in ones:
 *
 * <pre>{@code
 * env.ifSet("ACME_URL", builder::url);
 * env.ifDuration("ACME_TIMEOUT", builder::timeout);
 * env.ifInt("ACME_POOL_SIZE", 1, 1000, builder::poolSize);
 * }</pre>
 *
 * <p>Immutable; {@link #toString()} shows no names or values.
 */
public final class EnvironmentVariables {

    private static final EnvironmentVariables EMPTY = new EnvironmentVariables(Map.of());

    private final Map<String, String> values;

    private EnvironmentVariables(Map<String, String> values) {
        this.values = values;
    }

    /** A copy of {@code env}; null keys and values are dropped. */
    public static EnvironmentVariables of(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        java.util.HashMap<String, String> copy = new java.util.HashMap<>();
        env.forEach((name, value) -> {
            if (name != null && value != null) {
                copy.put(name, value);
            }
        });
        return new EnvironmentVariables(Map.copyOf(copy));
    }

    /** The process environment, {@link System#getenv()}. */
    public static EnvironmentVariables system() {
        return of(System.getenv());
    }

    /** No variables at all. */
    public static EnvironmentVariables empty() {
        return EMPTY;
    }

    /** The trimmed value of {@code name}, or null when it is unset or blank. */
    public String get(String name) {
        String value = values.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** True when {@code name} is set and not blank. */
    public boolean isSet(String name) {
        return get(name) != null;
    }

    /** Every variable, as given; for adapters that pass the environment on. */
    public Map<String, String> asMap() {
        return values;
    }

    /** Passes the value of {@code name} to {@code setter} when it is set. */
    public void ifSet(String name, Consumer<String> setter) {
        String value = get(name);
        if (value != null) {
            setter.accept(value);
        }
    }

    /** Passes a comma-separated list, each entry trimmed and empty entries dropped, when set. */
    public void ifList(String name, Consumer<List<String>> setter) {
        ifSet(name, v -> setter.accept(Arrays.stream(v.split(",", -1)).map(String::trim)
                .filter(t -> !t.isEmpty()).toList()));
    }

    /** Passes a boolean ({@code true/false, yes/no, on/off, 1/0}) when set. */
    public void ifBoolean(String name, Consumer<Boolean> setter) {
        ifSet(name, v -> setter.accept(parseBoolean(name, v)));
    }

    /** Passes a duration ({@code 500ms, 30s, 5m, 12h, 7d} or ISO-8601; at most 3650d) when set. */
    public void ifDuration(String name, Consumer<Duration> setter) {
        ifSet(name, v -> setter.accept(Durations.parse(name, v)));
    }

    /** Passes a whole number from {@code min} to {@code max} when set. */
    public void ifInt(String name, int min, int max, IntConsumer setter) {
        ifSet(name, v -> setter.accept((int) parseLong(name, v, min, max)));
    }

    /** Passes a whole number from {@code min} to {@code max} when set. */
    public void ifLong(String name, long min, long max, LongConsumer setter) {
        ifSet(name, v -> setter.accept(parseLong(name, v, min, max)));
    }

    /** Passes a size in bytes ({@code 65536}, {@code 64KiB}, {@code 1MiB}) when set. */
    public void ifBytes(String name, IntConsumer setter) {
        ifSet(name, v -> setter.accept(ByteSizes.parse(name, v)));
    }

    /**
     * Parses a boolean the way every setting does.
     *
     * @throws SessionConfigurationException naming {@code name} when {@code text} is not one
     */
    public static boolean parseBoolean(String name, String text) {
        switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> {
                return true;
            }
            case "false", "no", "off", "0" -> {
                return false;
            }
            default -> throw new SessionConfigurationException(name, name + " must be true or false, not '" + text + "'");
        }
    }

    /**
     * Parses a duration the way every setting does.
     *
     * @throws SessionConfigurationException naming {@code name} when {@code text} is not one
     */
    public static Duration parseDuration(String name, String text) {
        return Durations.parse(name, text);
    }

    /**
     * The rule every duration setting follows: positive and at most 3650 days, which keeps
     * arithmetic on instants far from overflow.
     *
     * @throws SessionConfigurationException naming {@code name} otherwise
     */
    public static Duration requirePositive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new SessionConfigurationException(name, name + " must be positive, not " + value);
        }
        if (value.compareTo(Durations.MAX) > 0) {
            throw new SessionConfigurationException(name, name + " must be at most 3650d, not " + value);
        }
        return value;
    }

    /** A duration in the short form settings accept ({@code 30s}, {@code 5m}), for messages. */
    public static String format(Duration value) {
        return Durations.format(value);
    }

    static long parseLong(String name, String text, long min, long max) {
        try {
            long value = Long.parseLong(text.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // the common message below
        }
        throw new SessionConfigurationException(name,
                name + " must be a whole number from " + min + " to " + max + ", not '" + text + "'");
    }

    @Override
    public String toString() {
        return "EnvironmentVariables[" + values.size() + " variables]";
    }
}
