package dev.sessionkit;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.jsontype.PolymorphicTypeValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The allow-list of classes an attribute's JSON may name: JDK value and collection types, the
 * application's packages and classes ({@code SESSION_ATTRIBUTE_TYPES}), classes that a
 * registered Jackson module gave a mix-in (Spring Security's modules do so for their types), and
 * the nested classes of allowed classes outside the JDK (a module's deserializer for
 * {@code ClientRegistration} reads its {@code ProviderDetails}).
 *
 * <p>Names are judged before a class is loaded; a name outside the JDK list and the application's
 * entries is loaded without initialization (no static initializer runs) only to look for a mix-in.
 * Used both when writing (a value naming a class outside the list is refused at {@code set}) and
 * when reading (such JSON is never instantiated). Thread-safe.
 */
final class AttributeTypes extends PolymorphicTypeValidator.Base {

    private static final long serialVersionUID = 1L;

    private static final Pattern CLASS_NAME = Pattern.compile("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)*");
    private static final List<String> JDK_PREFIXES = List.of("java.", "javax.", "jdk.", "sun.", "com.sun.", "jakarta.");

    /** JDK classes that are plain values or collections, safe to instantiate from JSON. */
    static final Set<String> JDK = Set.of(
            "java.lang.String", "java.lang.Boolean", "java.lang.Character", "java.lang.Byte", "java.lang.Short",
            "java.lang.Integer", "java.lang.Long", "java.lang.Float", "java.lang.Double", "java.lang.Number",
            "java.lang.Object",
            "java.math.BigInteger", "java.math.BigDecimal",
            "java.util.UUID", "java.util.Date", "java.util.Locale", "java.util.Currency",
            "java.sql.Date", "java.sql.Timestamp",
            "java.net.URI", "java.net.URL",
            "java.util.ArrayList", "java.util.LinkedList", "java.util.HashSet", "java.util.LinkedHashSet",
            "java.util.TreeSet", "java.util.HashMap", "java.util.LinkedHashMap", "java.util.TreeMap",
            "java.util.ArrayDeque", "java.util.EnumMap", "java.util.EnumSet", "java.util.Vector", "java.util.Stack",
            "java.util.Hashtable",
            "java.util.concurrent.CopyOnWriteArrayList", "java.util.concurrent.CopyOnWriteArraySet",
            "java.util.concurrent.ConcurrentHashMap", "java.util.concurrent.ConcurrentSkipListMap",
            "java.util.concurrent.ConcurrentSkipListSet", "java.util.concurrent.LinkedBlockingQueue",
            "java.util.Arrays$ArrayList",
            "java.util.Collections$UnmodifiableCollection", "java.util.Collections$UnmodifiableList",
            "java.util.Collections$UnmodifiableRandomAccessList", "java.util.Collections$UnmodifiableSet",
            "java.util.Collections$UnmodifiableSortedSet", "java.util.Collections$UnmodifiableMap",
            "java.util.Collections$UnmodifiableSortedMap", "java.util.Collections$SynchronizedList",
            "java.util.Collections$SynchronizedRandomAccessList", "java.util.Collections$SynchronizedSet",
            "java.util.Collections$SynchronizedMap", "java.util.Collections$SynchronizedCollection",
            "java.util.Collections$SingletonList", "java.util.Collections$SingletonSet",
            "java.util.Collections$SingletonMap", "java.util.Collections$EmptyList", "java.util.Collections$EmptySet",
            "java.util.Collections$EmptyMap",
            "java.util.ImmutableCollections$List12", "java.util.ImmutableCollections$ListN",
            "java.util.ImmutableCollections$Set12", "java.util.ImmutableCollections$SetN",
            "java.util.ImmutableCollections$Map1", "java.util.ImmutableCollections$MapN",
            "java.time.Instant", "java.time.Duration", "java.time.Period", "java.time.LocalDate", "java.time.LocalTime",
            "java.time.LocalDateTime", "java.time.OffsetDateTime", "java.time.OffsetTime", "java.time.ZonedDateTime",
            "java.time.Year", "java.time.YearMonth", "java.time.MonthDay", "java.time.ZoneId", "java.time.ZoneOffset",
            "java.time.ZoneRegion", "java.time.DayOfWeek", "java.time.Month",
            "java.util.concurrent.TimeUnit", "java.time.temporal.ChronoUnit");

    private final List<String> prefixes = new ArrayList<>();
    private final Set<String> exact = ConcurrentHashMap.newKeySet();
    private final Set<String> withMixIn = ConcurrentHashMap.newKeySet();
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private volatile MapperConfig<?> config;

    AttributeTypes(List<String> entries) {
        for (String entry : entries) {
            String e = entry.endsWith(".*") ? entry.substring(0, entry.length() - 1) : entry;
            if (e.endsWith(".")) {
                prefixes.add(e);
            } else {
                exact.add(e);
            }
        }
    }

    /** The mapper whose mix-ins count as declarations; set once the mapper is built. */
    void mixInsOf(MapperConfig<?> mapperConfig) {
        this.config = mapperConfig;
    }

    /**
     * Checks one {@code SESSION_ATTRIBUTE_TYPES} entry and returns it trimmed.
     *
     * @throws SessionConfigurationException naming the setting and the entry
     */
    static String checkEntry(String setting, String entry) {
        if (entry == null) {
            throw new SessionConfigurationException(setting, setting + " holds a null entry");
        }
        String e = entry.trim();
        String name = e.endsWith(".*") ? e.substring(0, e.length() - 2) : e.endsWith(".") ? e.substring(0, e.length() - 1) : e;
        boolean prefix = !name.equals(e);
        if (!CLASS_NAME.matcher(name).matches()) {
            throw new SessionConfigurationException(setting, setting + " entries are package prefixes such as"
                    + " com.example. or class names such as com.example.Cart, not '" + entry + "'");
        }
        if (prefix && JDK_PREFIXES.stream().anyMatch(p -> (name + ".").startsWith(p))) {
            throw new SessionConfigurationException(setting, setting + " cannot allow JDK packages such as '" + e
                    + "' as a whole; name the classes you need instead (JDK value and collection types are allowed already)");
        }
        return e;
    }

    /** True when JSON may name {@code className} (an array's class name is judged by its element). */
    boolean allows(String className) {
        String name = elementName(className);
        if (name == null) {
            return className.length() == 2 && className.charAt(0) == '['; // arrays of primitives: [B, [I …
        }
        if (JDK.contains(name) || exact.contains(name) || withMixIn.contains(name)) {
            return true;
        }
        for (String prefix : prefixes) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        if (refused.contains(name)) {
            return false;
        }
        int nested = name.indexOf('$');
        if (nested > 0 && JDK_PREFIXES.stream().noneMatch(name::startsWith) && allows(name.substring(0, nested))) {
            // a nested class of an allowed or module-declared class (ClientRegistration$ProviderDetails)
            withMixIn.add(name);
            return true;
        }
        if (hasMixIn(name)) {
            withMixIn.add(name);
            return true;
        }
        if (refused.size() < 10_000) {
            refused.add(name);
        }
        return false;
    }

    private boolean hasMixIn(String name) {
        MapperConfig<?> c = config;
        if (c == null || !CLASS_NAME.matcher(name).matches()) {
            return false;
        }
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        for (ClassLoader l : new ClassLoader[] { loader, AttributeTypes.class.getClassLoader() }) {
            if (l == null) {
                continue;
            }
            try {
                Class<?> type = Class.forName(name, false, l); // not initialized: no code of the class runs
                return c.findMixInClassFor(type) != null;
            } catch (ClassNotFoundException | LinkageError e) {
                // try the next loader
            }
        }
        return false;
    }

    /** {@code [Lcom.x.Y;} → {@code com.x.Y}; a plain name as it is; null for primitive arrays. */
    private static String elementName(String className) {
        String name = className;
        while (name.startsWith("[")) {
            name = name.substring(1);
        }
        if (name.equals(className)) {
            return name;
        }
        if (name.startsWith("L") && name.endsWith(";")) {
            return name.substring(1, name.length() - 1);
        }
        return null;
    }

    @Override
    public Validity validateBaseType(MapperConfig<?> mapperConfig, JavaType baseType) {
        return Validity.INDETERMINATE;
    }

    @Override
    public Validity validateSubClassName(MapperConfig<?> mapperConfig, JavaType baseType, String subClassName) {
        return allows(subClassName) ? Validity.ALLOWED : Validity.DENIED;
    }

    @Override
    public Validity validateSubType(MapperConfig<?> mapperConfig, JavaType baseType, JavaType subType) {
        return allows(subType.getRawClass().getName()) ? Validity.ALLOWED : Validity.DENIED;
    }

    /** Thrown while writing a value that names a class outside the list. */
    static final class NotAllowed extends RuntimeException {

        private static final long serialVersionUID = 1L;
        private final String className;

        NotAllowed(String className) {
            super("class " + className + " is not an allowed attribute type", null, false, false);
            this.className = className;
        }

        String className() {
            return className;
        }
    }

    /** True when {@code text} could be a type id: a qualified class name or an array class name. */
    static boolean looksLikeClassName(String text) {
        String name = elementName(text);
        return name == null ? text.length() == 2 : CLASS_NAME.matcher(name).matches() && name.indexOf('.') > 0;
    }
}
