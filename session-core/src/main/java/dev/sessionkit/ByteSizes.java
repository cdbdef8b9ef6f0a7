package dev.sessionkit;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and checks byte sizes such as {@code 65536}, {@code 64k}, {@code 64KiB} or {@code 1MB} (units of 1024). */
final class ByteSizes {

    static final int MIN = 1024;
    static final int MAX = 64 * 1024 * 1024;
    private static final Pattern SIZE = Pattern.compile("(\\d{1,9})\\s*(b|k|kb|kib|m|mb|mib)?");

    private ByteSizes() {
    }

    static int parse(String setting, String text) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long value = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "b" : m.group(2);
            long factor = switch (unit.charAt(0)) {
                case 'k' -> 1024L;
                case 'm' -> 1024L * 1024;
                default -> 1L;
            };
            long bytes = value * factor;
            if (bytes >= MIN && bytes <= MAX) {
                return (int) bytes;
            }
        }
        throw new SessionConfigurationException(setting, setting + " must be a size from 1KiB to 64MiB (such as 65536,"
                + " 64KiB or 1MiB), not '" + text + "'");
    }

    static int check(String setting, int bytes) {
        if (bytes < MIN || bytes > MAX) {
            throw new SessionConfigurationException(setting,
                    setting + " must be from " + MIN + " to " + MAX + " bytes, not " + bytes);
        }
        return bytes;
    }
}
