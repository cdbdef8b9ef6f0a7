package dev.sessionkit;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the duration forms settings accept: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 12h}, {@code 7d}, ISO-8601. */
final class Durations {

    static final String ACCEPTED = "a number with a unit (500ms, 30s, 5m, 12h, 7d) or ISO-8601 (PT30M, P7D)";

    private static final Pattern SHORT = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");

    private Durations() {
    }

    /** The longest duration any setting accepts; keeps arithmetic on instants far from overflow. */
    static final Duration MAX = Duration.ofDays(3650);

    static Duration parse(String setting, String text) {
        Duration d = parseUnbounded(setting, text);
        if (d.compareTo(MAX) > 0) {
            throw new SessionConfigurationException(setting, setting + " must be at most 3650d, not '" + text + "'");
        }
        return d;
    }

    private static Duration parseUnbounded(String setting, String text) {
        String trimmed = text.trim();
        Matcher m = SHORT.matcher(trimmed);
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
        if (!trimmed.isEmpty() && (trimmed.charAt(0) == 'P' || trimmed.charAt(0) == 'p')) {
            try {
                return Duration.parse(trimmed);
            } catch (DateTimeParseException e) {
                // fall through to the common message
            }
        }
        throw new SessionConfigurationException(setting,
                setting + " must be " + ACCEPTED + ", not '" + text + "'");
    }

    /** Writes a duration in the short form when it has one, else ISO-8601. */
    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000L == 0) {
            return ms / 86_400_000L + "d";
        }
        if (ms % 3_600_000L == 0) {
            return ms / 3_600_000L + "h";
        }
        if (ms % 60_000L == 0) {
            return ms / 60_000L + "m";
        }
        if (ms % 1000L == 0) {
            return ms / 1000L + "s";
        }
        return ms + "ms";
    }
}
