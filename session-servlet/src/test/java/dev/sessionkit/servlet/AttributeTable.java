package dev.sessionkit.servlet;

import dev.sessionkit.servlet.app.Appointment;
import dev.sessionkit.servlet.app.Color;
import dev.sessionkit.servlet.app.Profile;
import dev.sessionkit.servlet.app.Secretive;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The attribute-type table of issue 10: one value of each kind a servlet app keeps in its session,
 * made afresh on every call so that a value read back is compared with an equal, distinct instance.
 * The servlet sets them; the tests name the class each must come back as.
 */
final class AttributeTable {

    /** Attribute name → the class {@code getAttribute} must return, by {@code Class.getName()}. */
    static final Map<String, String> CLASSES = classes();

    private AttributeTable() {
    }

    private static Map<String, String> classes() {
        Map<String, String> classes = new LinkedHashMap<>();
        classes.put("bean", "dev.sessionkit.servlet.app.Profile");
        classes.put("noGetters", "dev.sessionkit.servlet.app.Secretive");
        classes.put("withInstant", "dev.sessionkit.servlet.app.Appointment");
        classes.put("bytes", "[B");
        classes.put("long", "java.lang.Long");
        classes.put("set", "java.util.HashSet");
        classes.put("intKeys", "java.util.HashMap");
        classes.put("date", "java.util.Date");
        classes.put("enum", "dev.sessionkit.servlet.app.Color");
        classes.put("uuid", "java.util.UUID");
        classes.put("decimal", "java.math.BigDecimal");
        classes.put("beans", "java.util.ArrayList");
        return Map.copyOf(classes);
    }

    /** A fresh instance of every value, by attribute name. */
    static Map<String, Object> values() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("bean", new Profile("ann", 41));
        values.put("noGetters", new Secretive("k-7", 9_000_000_000L));
        values.put("withInstant", new Appointment("dentist", Instant.parse("2026-03-04T05:06:07.123456789Z")));
        values.put("bytes", new byte[] {0, 1, -2, 127, -128});
        values.put("long", 5L);
        values.put("set", new HashSet<>(Set.of("x", "y", "z")));
        Map<Integer, String> intKeys = new HashMap<>();
        intKeys.put(7, "seven");
        intKeys.put(11, "eleven");
        values.put("intKeys", intKeys);
        values.put("date", new Date(1_700_000_000_123L));
        values.put("enum", Color.GREEN);
        values.put("uuid", UUID.fromString("0b7e6a2c-9f1d-4c3e-8a5b-1d2e3f405162"));
        values.put("decimal", new BigDecimal("10.00"));
        values.put("beans", new ArrayList<>(List.of(new Profile("bo", 7), new Profile("cy", 8))));
        return values;
    }
}
