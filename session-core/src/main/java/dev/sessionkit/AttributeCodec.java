package dev.sessionkit;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.databind.DatabindContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.databind.jsontype.PolymorphicTypeValidator;
import com.fasterxml.jackson.databind.jsontype.TypeIdResolver;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns attribute values into the JSON a store keeps and back, keeping their Java types.
 *
 * <p>Forms, judged at the top of each attribute's JSON:
 * <ul>
 *   <li><b>natural</b>: strings, booleans, {@code Integer}s, plain-form {@code Double}s, and
 *       {@code ArrayList}s / {@code LinkedHashMap}s (and {@code List.of}, {@code Map.of}) with
 *       string keys holding only those: stored as plain JSON, so SQL reads them
 *       ({@code data->>'userId'}), and read back as those types;</li>
 *   <li><b>typed</b>: everything else, written by a Jackson mapper with default typing: objects
 *       carry an {@code "@class"} property, other values are a {@code ["class", value]} pair, and
 *       nested values carry type ids where their declared type does not fix it (the form Spring
 *       Security's Jackson modules and Spring Session's JSON use);</li>
 *   <li><b>escaped</b>: {@code ["@json", tree]} for a natural value whose own JSON would look typed.</li>
 * </ul>
 * JSON written before typed values existed is natural and reads as it did.
 *
 * <p>Only classes that {@link AttributeTypes} allows are ever named in JSON written here or
 * instantiated from JSON read here. Thread-safe.
 */
final class AttributeCodec {

    static final String TYPE_PROPERTY = "@class";
    static final String RAW = "@json";
    static final String KEYED_MAP = "@map";
    private static final Set<String> KEYED_MAP_CLASSES = Set.of("java.util.HashMap", "java.util.LinkedHashMap",
            "java.util.TreeMap", "java.util.concurrent.ConcurrentHashMap", "java.util.Hashtable");

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<Class<?>> IMMUTABLE = Set.of(String.class, Boolean.class, Character.class, Byte.class,
            Short.class, Integer.class, Long.class, Float.class, Double.class, BigDecimal.class, BigInteger.class,
            java.util.UUID.class, java.net.URI.class, java.net.URL.class, java.util.Locale.class,
            java.util.Currency.class);
    /** Numbers equal in value are the same JSON: stores may write 5 as an int and read it as a long. */
    private static final Comparator<JsonNode> SAME_LEAF = (a, b) -> {
        if (a.equals(b)) {
            return 0;
        }
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0 ? 0 : 1;
        }
        return 1;
    };

    private final ObjectMapper mapper;
    private final ObjectWriter writer;
    private final AttributeTypes types;
    private final int maxBytes;
    private final int maxDepth;

    private AttributeCodec(ObjectMapper mapper, AttributeTypes types, int maxBytes, int maxDepth) {
        this.mapper = mapper;
        this.writer = mapper.writerFor(Object.class);
        this.types = types;
        this.maxBytes = maxBytes;
        this.maxDepth = maxDepth;
    }

    /**
     * A codec for {@code settings}, with the application's Jackson modules and mix-ins (applied
     * after the built-in {@code JavaTimeModule}) and extra allowed types.
     */
    static AttributeCodec create(SessionSettings settings, List<Module> modules, Map<Class<?>, Class<?>> mixIns,
            List<String> extraTypes) {
        List<String> entries = new ArrayList<>(settings.attributeTypes());
        entries.addAll(extraTypes);
        AttributeTypes types = new AttributeTypes(entries);
        JsonFactoryBuilder factory = new JsonFactoryBuilder()
                .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(settings.maxAttributeDepth()).build());
        JsonMapper.Builder b = JsonMapper.builder(factory.build())
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .enable(SerializationFeature.WRITE_DATES_WITH_ZONE_ID)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
                // fields count, as they do for Java serialization: a bean without getters keeps its state
                .visibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
                .setDefaultTyping(new Typing(types));
        // exact decimals: a number node would come back from the store as a double ("10.00" as 10.0)
        b.withConfigOverride(BigDecimal.class, o -> o.setFormat(JsonFormat.Value.forShape(JsonFormat.Shape.STRING)));
        // typing first: Spring Security's modules keep a default typing that is already there
        b.addModule(new JavaTimeModule());
        modules.forEach(b::addModule);
        mixIns.forEach(b::addMixIn);
        ObjectMapper mapper = b.build();
        types.mixInsOf(mapper.getDeserializationConfig());
        return new AttributeCodec(mapper, types, settings.maxAttributeBytes(), settings.maxAttributeDepth());
    }

    /** An attribute's JSON and its size in bytes. */
    record Encoded(JsonNode json, int bytes) {
    }

    /**
     * Encodes a value, checking everything a later read and every store need.
     *
     * @throws AttributeSerializationException naming the attribute, the class and the reason
     */
    Encoded encode(String name, Object value) {
        JsonNode tree;
        if (value instanceof JsonNode given) {
            tree = escapeIfNeeded(given.deepCopy());
        } else if (natural(value, 0)) {
            tree = escapeIfNeeded(naturalTree(value));
        } else if (value instanceof Double d) {
            // Jackson never types a Double; its exponent form would come back from PostgreSQL as an integer
            tree = NODES.arrayNode().add("java.lang.Double").add(Double.toString(d));
        } else if (keyedMap(value)) {
            return encodeKeyedMap(name, (Map<?, ?>) value);
        } else {
            return encodeTyped(name, value);
        }
        check(name, tree, 1);
        int bytes = SessionJson.byteSize(tree);
        limit(name, value, bytes);
        return new Encoded(tree, bytes);
    }

    /**
     * The JSON {@code value} would be stored as, without the checks of {@link #encode}: cheap enough
     * to ask at every commit whether a value read in the request changed in place.
     *
     * @return the tree, or null when the value cannot be written (then {@link #encode} says why)
     */
    JsonNode snapshot(Object value) {
        try {
            if (value instanceof JsonNode given) {
                return escapeIfNeeded(given);
            }
            if (natural(value, 0)) {
                return escapeIfNeeded(naturalTree(value));
            }
            if (value instanceof Double || keyedMap(value)) {
                return encode("", value).json(); // their own forms; rare enough for the full path
            }
            // through text, as the store holds it: a float field must compare as the store reads it back
            return mapper.readTree(writer.writeValueAsBytes(value));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static boolean keyedMap(Object value) {
        return value instanceof Map<?, ?> map && KEYED_MAP_CLASSES.contains(map.getClass().getName())
                && map.keySet().stream().anyMatch(k -> !(k instanceof String));
    }

    private Encoded encodeTyped(String name, Object value) {
        byte[] bytes;
        try {
            bytes = writer.writeValueAsBytes(value);
        } catch (IOException | RuntimeException e) {
            throw writeFailure(name, value, e);
        }
        limit(name, value, bytes.length);
        JsonNode tree;
        Object back;
        try {
            tree = mapper.readTree(bytes);
            back = read(tree);
        } catch (IOException | RuntimeException e) {
            throw new AttributeSerializationException(name, AttributeSerializationException.Reason.NOT_SERIALIZABLE,
                    "attribute '" + name + "' of type " + value.getClass().getName() + " cannot be read back from JSON ("
                            + rootMessage(e) + "); give it a no-argument constructor or a @JsonCreator, or store a"
                            + " simpler value", e);
        }
        if (!sameValue(value, back)) {
            throw new AttributeSerializationException(name, AttributeSerializationException.Reason.NOT_SERIALIZABLE,
                    "attribute '" + name + "' of type " + value.getClass().getName() + " does not read back from JSON"
                            + " as an equal value (a field Jackson cannot set, or a map with keys that are not strings"
                            + " inside an untyped collection); store a simpler value", null);
        }
        check(name, tree, 1);
        return new Encoded(tree, bytes.length);
    }

    /**
     * A map whose keys are not strings, at the top of an attribute: Jackson's typed JSON would give
     * the keys back as strings, so the key class is written beside the entries:
     * {@code ["@map", "java.util.HashMap", "java.lang.Integer", {"7": …}]}.
     */
    private Encoded encodeKeyedMap(String name, Map<?, ?> map) {
        Class<?> keyType = null;
        Map<String, Object> entries = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            Object key = entry.getKey();
            Class<?> type = key == null ? null : key instanceof Enum<?> e ? e.getDeclaringClass() : key.getClass();
            if (type == null || (keyType != null && keyType != type) || !simpleKey(type)) {
                throw new AttributeSerializationException(name, AttributeSerializationException.Reason.NOT_SERIALIZABLE,
                        "attribute '" + name + "' is a map whose keys are not all of one kind of string, number, UUID"
                                + " or enum; such keys cannot be kept", null);
            }
            keyType = type;
            entries.put(key instanceof Enum<?> e ? e.name() : key.toString(), entry.getValue());
        }
        if (!types.allows(keyType.getName())) {
            throw writeFailure(name, map, new AttributeTypes.NotAllowed(keyType.getName()));
        }
        JsonNode values;
        int bytes;
        try {
            byte[] json = writer.writeValueAsBytes(entries);
            bytes = json.length;
            values = mapper.readTree(json);
        } catch (IOException | RuntimeException e) {
            throw writeFailure(name, map, e);
        }
        limit(name, map, bytes);
        ArrayNode tree = NODES.arrayNode(4).add(KEYED_MAP).add(map.getClass().getName()).add(keyType.getName());
        tree.add(values);
        Object back;
        try {
            back = decode(tree);
        } catch (Unreadable e) {
            back = null;
        }
        if (!map.equals(back)) {
            throw new AttributeSerializationException(name, AttributeSerializationException.Reason.NOT_SERIALIZABLE,
                    "attribute '" + name + "' of type " + map.getClass().getName() + " does not read back from JSON as"
                            + " an equal map; store a simpler value", null);
        }
        check(name, tree, 1);
        return new Encoded(tree, bytes + 40);
    }

    private static boolean simpleKey(Class<?> type) {
        return type == Integer.class || type == Long.class || type == Short.class || type == Byte.class
                || type == java.util.UUID.class || type == BigInteger.class || type == Boolean.class
                || type == Character.class || type.isEnum();
    }

    private Object decodeKeyedMap(JsonNode tree) {
        String mapClass = tree.get(1).asText();
        String keyClass = tree.get(2).asText();
        if (!KEYED_MAP_CLASSES.contains(mapClass)) {
            throw new Unreadable(mapClass, "not a map class that keeps its keys");
        }
        if (!types.allows(keyClass)) {
            throw new Unreadable(keyClass, "not an allowed attribute type");
        }
        try {
            @SuppressWarnings("unchecked")
            Map<Object, Object> map = (Map<Object, Object>) Class.forName(mapClass).getDeclaredConstructor().newInstance();
            Class<?> keyType = Class.forName(keyClass, false, classLoader());
            if (!simpleKey(keyType)) {
                throw new Unreadable(keyClass, "not a key type");
            }
            Object values = read(tree.get(3));
            for (Map.Entry<?, ?> entry : ((Map<?, ?>) values).entrySet()) {
                map.put(mapper.convertValue(entry.getKey(), keyType), entry.getValue());
            }
            return map;
        } catch (ReflectiveOperationException | IOException | RuntimeException e) {
            if (e instanceof Unreadable u) {
                throw u;
            }
            throw new Unreadable(mapClass, e.getClass().getSimpleName());
        }
    }

    private static ClassLoader classLoader() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return loader != null ? loader : AttributeCodec.class.getClassLoader();
    }

    /**
     * True when {@code back}, read from the JSON of {@code value}, is the same value: {@code equals}
     * where the class has it; maps and lists entry by entry (so a key that came back as a string
     * is caught); other objects by their JSON (a module's class without {@code equals}, such as
     * Spring Security's {@code OAuth2AuthorizedClient}).
     */
    private boolean sameValue(Object value, Object back) {
        if (value == null || back == null) {
            return value == back;
        }
        if (overridesEquals(value.getClass()) && value.equals(back)) {
            return true;
        }
        if (value instanceof Map<?, ?> a && back instanceof Map<?, ?> b) {
            if (a.size() != b.size()) {
                return false;
            }
            for (Map.Entry<?, ?> entry : a.entrySet()) {
                if (!b.containsKey(entry.getKey()) || !sameValue(entry.getValue(), b.get(entry.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (value instanceof List<?> a && back instanceof List<?> b) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!sameValue(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (overridesEquals(value.getClass()) && !(value instanceof Collection<?>)) {
            return false; // it has equals, and equals says no
        }
        try {
            return sameJson(mapper.readTree(writer.writeValueAsBytes(value)), mapper.readTree(writer.writeValueAsBytes(back)));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean overridesEquals(Class<?> type) {
        try {
            return type.getMethod("equals", Object.class).getDeclaringClass() != Object.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private AttributeSerializationException writeFailure(String name, Object value, Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AttributeTypes.NotAllowed refused) {
                String where = refused.className().equals(value.getClass().getName()) ? ""
                        : " (inside its " + value.getClass().getName() + ")";
                return new AttributeSerializationException(name, AttributeSerializationException.Reason.TYPE_NOT_ALLOWED,
                        "attribute '" + name + "' holds " + refused.className() + where + ", which is not an allowed"
                                + " attribute type; allow its package with " + SessionSettings.SESSION_ATTRIBUTE_TYPES
                                + " (for example " + SessionSettings.SESSION_ATTRIBUTE_TYPES + "=" + packagePrefix(refused.className())
                                + "), SessionSettings.Builder.allowAttributeTypes or sessionkit.attribute-types", null);
            }
            if (t instanceof StreamConstraintsException) {
                return tooDeep(name);
            }
        }
        return new AttributeSerializationException(name, AttributeSerializationException.Reason.NOT_SERIALIZABLE,
                "attribute '" + name + "' of type " + value.getClass().getName() + " cannot be written as JSON: "
                        + rootMessage(e), e);
    }

    private static String packagePrefix(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? className : className.substring(0, dot + 1);
    }

    private void limit(String name, Object value, int bytes) {
        if (bytes > maxBytes) {
            throw new AttributeSerializationException(name, AttributeSerializationException.Reason.ATTRIBUTE_TOO_LARGE,
                    "attribute '" + name + "' of type " + value.getClass().getName() + " takes " + bytes
                            + " bytes of JSON, more than " + SessionSettings.SESSION_MAX_ATTRIBUTE_SIZE + " (" + maxBytes
                            + ")", null);
        }
    }

    private AttributeSerializationException tooDeep(String name) {
        return new AttributeSerializationException(name, AttributeSerializationException.Reason.TOO_DEEP,
                "attribute '" + name + "' nests deeper than " + SessionSettings.SESSION_MAX_ATTRIBUTE_DEPTH + " ("
                        + maxDepth + ")", null);
    }

    /** Depth and storability of a tree; {@code depth} is the level of {@code node}. */
    private void check(String name, JsonNode node, int depth) {
        if (node.isTextual()) {
            if (!SessionJson.storable(node.textValue())) {
                SessionJson.validate(name, node); // throws, naming the reason
            }
            return;
        }
        if (!node.isContainerNode()) {
            return;
        }
        if (depth > maxDepth) {
            throw tooDeep(name);
        }
        if (node.isArray()) {
            for (JsonNode element : node) {
                check(name, element, depth + 1);
            }
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!SessionJson.storable(field.getKey())) {
                SessionJson.validateName(field.getKey());
            }
            check(name, field.getValue(), depth + 1);
        }
    }

    /** True when {@code value} comes back from plain JSON as an equal instance of its own class. */
    private boolean natural(Object value, int depth) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Integer) {
            return true;
        }
        if (value instanceof Double d) {
            return plainDouble(d);
        }
        if (depth >= maxDepth) {
            return false;
        }
        if (value instanceof List<?> list && naturalList(list)) {
            for (Object element : list) {
                if (!natural(element, depth + 1)) {
                    return false;
                }
            }
            return true;
        }
        if (value instanceof Map<?, ?> map && naturalMap(map)) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!(entry.getKey() instanceof String) || !natural(entry.getValue(), depth + 1)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    private static boolean naturalList(List<?> list) {
        Class<?> type = list.getClass();
        return type == ArrayList.class || type.getName().startsWith("java.util.ImmutableCollections$List");
    }

    private static boolean naturalMap(Map<?, ?> map) {
        Class<?> type = map.getClass();
        return type == LinkedHashMap.class || type.getName().startsWith("java.util.ImmutableCollections$Map");
    }

    /** A double that PostgreSQL's numeric keeps in the form Jackson reads back as a double. */
    private static boolean plainDouble(double d) {
        if (!Double.isFinite(d) || (d == 0 && 1 / d < 0)) {
            return false;
        }
        return Double.toString(d).indexOf('E') < 0;
    }

    private static JsonNode naturalTree(Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof String s) {
            return NODES.textNode(s);
        }
        if (value instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (value instanceof Integer i) {
            return NODES.numberNode(i);
        }
        if (value instanceof Double d) {
            return NODES.numberNode(d);
        }
        if (value instanceof List<?> list) {
            ArrayNode array = NODES.arrayNode(list.size());
            for (Object element : list) {
                array.add(naturalTree(element));
            }
            return array;
        }
        var object = NODES.objectNode();
        ((Map<?, ?>) value).forEach((k, v) -> object.set((String) k, naturalTree(v)));
        return object;
    }

    private static JsonNode escapeIfNeeded(JsonNode tree) {
        return looksTyped(tree) ? NODES.arrayNode().add(RAW).add(tree) : tree;
    }

    /** True when the top of {@code tree} would be read as typed or escaped. */
    static boolean looksTyped(JsonNode tree) {
        if (isKeyedMap(tree)) {
            return true;
        }
        if (tree.isArray()) {
            if (tree.size() != 2 || !tree.get(0).isTextual()) {
                return false;
            }
            String first = tree.get(0).textValue();
            return RAW.equals(first) || AttributeTypes.looksLikeClassName(first);
        }
        return tree.isObject() && tree.has(TYPE_PROPERTY) && tree.get(TYPE_PROPERTY).isTextual();
    }

    private static boolean isKeyedMap(JsonNode tree) {
        return tree.isArray() && tree.size() == 4 && KEYED_MAP.equals(tree.get(0).textValue());
    }

    /** The class a typed tree names, or null for natural JSON; for log lines. */
    static String typeName(JsonNode tree) {
        if (isKeyedMap(tree)) {
            return tree.get(1).asText();
        }
        if (tree.isArray() && tree.size() == 2 && tree.get(0).isTextual() && !RAW.equals(tree.get(0).textValue())) {
            return tree.get(0).textValue();
        }
        if (tree.isObject() && tree.path(TYPE_PROPERTY).isTextual()) {
            return tree.get(TYPE_PROPERTY).textValue();
        }
        return null;
    }

    /** True when the tree is in the typed form (not natural, not escaped). */
    static boolean isTyped(JsonNode tree) {
        return looksTyped(tree) && !(tree.isArray() && RAW.equals(tree.get(0).textValue()));
    }

    /**
     * Reads an attribute's value as the Java type it was stored with.
     *
     * @throws Unreadable when typed JSON names a class that is not allowed or no longer fits
     */
    Object decode(JsonNode tree) {
        if (tree.isArray() && tree.size() == 2 && tree.get(0).isTextual() && RAW.equals(tree.get(0).textValue())) {
            return plain(tree.get(1));
        }
        if (!looksTyped(tree)) {
            return plain(tree);
        }
        if (isKeyedMap(tree)) {
            return decodeKeyedMap(tree);
        }
        String type = typeName(tree);
        if (!types.allows(type)) {
            throw new Unreadable(type, "not an allowed attribute type");
        }
        try {
            Object value = read(tree);
            if (value == null) {
                throw new Unreadable(type, "read as null");
            }
            return value;
        } catch (IOException | RuntimeException e) {
            throw new Unreadable(type, e.getClass().getSimpleName());
        }
    }

    /** Natural or escaped JSON as plain Java values. */
    static Object decodeNatural(JsonNode tree) {
        return plain(unescape(tree));
    }

    /** The natural tree inside an escaped one; any other tree as it is. */
    static JsonNode unescape(JsonNode tree) {
        return tree.isArray() && tree.size() == 2 && tree.get(0).isTextual() && RAW.equals(tree.get(0).textValue())
                ? tree.get(1) : tree;
    }

    /** Natural JSON as plain Java values: String, Boolean, Integer/Long/BigInteger, Double, ArrayList, LinkedHashMap. */
    static Object plain(JsonNode node) {
        switch (node.getNodeType()) {
            case STRING:
                return node.textValue();
            case BOOLEAN:
                return node.booleanValue();
            case NUMBER:
                if (node.isInt()) {
                    return node.intValue();
                }
                if (node.isLong()) {
                    return node.longValue();
                }
                if (node.isBigInteger()) {
                    return node.bigIntegerValue();
                }
                return node.doubleValue();
            case ARRAY: {
                List<Object> list = new ArrayList<>(node.size());
                for (JsonNode element : node) {
                    list.add(plain(element));
                }
                return list;
            }
            case OBJECT: {
                Map<String, Object> map = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    map.put(field.getKey(), plain(field.getValue()));
                }
                return map;
            }
            case BINARY:
                try {
                    return node.binaryValue();
                } catch (IOException e) {
                    return null;
                }
            case POJO:
                return ((com.fasterxml.jackson.databind.node.POJONode) node).getPojo();
            default:
                return null;
        }
    }

    /**
     * A decoded value as {@code type}, converted by the typed mapper when it is not one already (the
     * stored class is a different bean of the same shape, say).
     */
    <T> T convert(Object value, Class<T> type) {
        return type.isInstance(value) ? type.cast(value) : mapper.convertValue(value, type);
    }

    /**
     * Reads typed JSON through the mapper itself, not an {@code ObjectReader}: modules' deserializers
     * (Spring Security's) cast the parser's codec to {@code ObjectMapper}.
     */
    private Object read(JsonNode tree) throws IOException {
        return mapper.readValue(mapper.treeAsTokens(tree), Object.class);
    }

    /** True for values that cannot change in place, so a commit never needs to look at them again. */
    static boolean immutable(Object value) {
        return value == null || IMMUTABLE.contains(value.getClass()) || value instanceof Enum<?>
                || value.getClass().getPackageName().equals("java.time");
    }

    /** True when two trees hold the same JSON (numbers compared by value). */
    static boolean sameJson(JsonNode a, JsonNode b) {
        return a == b || (a != null && b != null && a.equals(SAME_LEAF, b));
    }

    /** Typed JSON that cannot be read back: the class is not allowed, gone, or no longer fits. */
    static final class Unreadable extends RuntimeException {

        private static final long serialVersionUID = 1L;
        private final String typeName;

        Unreadable(String typeName, String why) {
            super(typeName + ": " + why, null, false, false);
            this.typeName = typeName;
        }

        String typeName() {
            return typeName;
        }
    }

    /** Default typing as Spring Security's modules expect it, refusing classes outside the allow-list when writing. */
    private static final class Typing extends ObjectMapper.DefaultTypeResolverBuilder {

        private static final long serialVersionUID = 1L;
        private final AttributeTypes types;

        Typing(AttributeTypes types) {
            super(ObjectMapper.DefaultTyping.NON_FINAL, types);
            this.types = types;
            init(JsonTypeInfo.Value.construct(JsonTypeInfo.Id.CLASS, JsonTypeInfo.As.PROPERTY, TYPE_PROPERTY, null,
                    false, null), null);
        }

        @Override
        protected TypeIdResolver idResolver(MapperConfig<?> config, JavaType baseType,
                PolymorphicTypeValidator subtypeValidator, Collection<NamedType> subtypes, boolean forSer,
                boolean forDeser) {
            TypeIdResolver resolver = super.idResolver(config, baseType, subtypeValidator, subtypes, forSer, forDeser);
            return forSer ? new Checking(resolver, types) : resolver;
        }
    }

    /** Writes type ids only for allowed classes. */
    private record Checking(TypeIdResolver delegate, AttributeTypes types) implements TypeIdResolver {

        @Override
        public void init(JavaType baseType) {
            delegate.init(baseType);
        }

        @Override
        public String idFromValue(Object value) {
            return checked(delegate.idFromValue(value));
        }

        @Override
        public String idFromValueAndType(Object value, Class<?> suggestedType) {
            return checked(delegate.idFromValueAndType(value, suggestedType));
        }

        @Override
        public String idFromBaseType() {
            return checked(delegate.idFromBaseType());
        }

        @Override
        public JavaType typeFromId(DatabindContext context, String id) throws IOException {
            return delegate.typeFromId(context, id);
        }

        @Override
        public String getDescForKnownTypeIds() {
            return delegate.getDescForKnownTypeIds();
        }

        @Override
        public JsonTypeInfo.Id getMechanism() {
            return delegate.getMechanism();
        }

        private String checked(String id) {
            if (id != null && !types.allows(id)) {
                throw new AttributeTypes.NotAllowed(id);
            }
            return id;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        String line = message == null ? root.getClass().getSimpleName() : message.lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
