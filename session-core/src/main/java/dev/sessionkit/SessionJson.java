package dev.sessionkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * The one JSON form of session attributes, shared by every store and adapter: values go in as
 * Jackson trees, and the whole attribute map is written as one JSON object (a {@code jsonb}
 * column in PostgreSQL, bytes in memory).
 *
 * <p>Values that no store accepts are refused here, before any store is asked: strings (and
 * object keys) holding {@code \u0000} or an unpaired surrogate, which PostgreSQL's {@code jsonb}
 * rejects. So a value that fails in production fails in development too.
 *
 * <p>Thread-safe.
 */
public final class SessionJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private SessionJson() {
    }

    /** A copy of the mapper used for attribute values, configured alike; changing it changes nothing here. */
    static ObjectMapper mapper() {
        return MAPPER.copy();
    }

    /**
     * Converts an attribute value to its JSON tree and checks that every store can hold it.
     *
     * @throws NullPointerException if {@code name} or {@code value} is null
     * @throws AttributeSerializationException naming the attribute and the value's type when
     *     Jackson cannot write the value or a store could not hold it
     */
    static JsonNode toJson(String name, Object value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        JsonNode node;
        try {
            node = value instanceof JsonNode given ? given.deepCopy() : MAPPER.valueToTree(value);
        } catch (IllegalArgumentException e) {
            throw new AttributeSerializationException(name, "attribute '" + name + "' of type "
                    + value.getClass().getName() + " cannot be written as JSON: " + rootMessage(e), e);
        }
        validate(name, node);
        return node;
    }

    /**
     * Checks that every store can hold {@code node}.
     *
     * @throws AttributeSerializationException when a string or key holds {@code \u0000} or an
     *     unpaired surrogate
     */
    static void validate(String name, JsonNode node) {
        if (!storable(node)) {
            throw new AttributeSerializationException(name, AttributeSerializationException.Reason.NOT_STORABLE,
                    "attribute '" + name + "' holds a \\u0000 character or an unpaired surrogate, which session stores cannot keep", null);
        }
    }

    /**
     * Checks that every store can hold {@code name} as an attribute name.
     *
     * @throws AttributeSerializationException when it holds {@code \u0000} or an unpaired surrogate
     */
    static void validateName(String name) {
        if (!storable(name)) {
            throw new AttributeSerializationException(name, AttributeSerializationException.Reason.NOT_STORABLE,
                    "an attribute name holds a \\u0000 character or an unpaired surrogate", null);
        }
    }

    /** True when every store can hold {@code text}: no {@code \u0000}, no unpaired surrogate. */
    public static boolean isStorable(String text) {
        return storable(text);
    }

    /**
     * Checks what a store is asked to create, the one check every store makes in
     * {@link SessionStore#create}: attribute names and values, and the principal. The client
     * metadata is not checked; stores keep it as {@link #clientText(String)} makes it.
     *
     * @throws AttributeSerializationException when an attribute name or value holds {@code \u0000}
     *     or an unpaired surrogate
     * @throws IllegalArgumentException when the principal does
     */
    public static void validate(SessionData session) {
        session.attributes().forEach((name, value) -> {
            validateName(name);
            validate(name, value);
        });
        validatePrincipal(session.principal());
    }

    /**
     * Checks a delta before a store applies it, the one check every store makes in
     * {@link SessionStore#apply} and {@link SessionStore#changeKey}: the names and values set, the
     * names removed and incremented, and a new principal.
     *
     * @throws AttributeSerializationException when a name or value holds {@code \u0000} or an
     *     unpaired surrogate
     * @throws IllegalArgumentException when the new principal does
     */
    public static void validate(SessionDelta delta) {
        delta.set().forEach((name, value) -> {
            validateName(name);
            validate(name, value);
        });
        delta.removed().forEach(SessionJson::validateName);
        delta.increments().keySet().forEach(SessionJson::validateName);
        if (delta.principalChanged()) {
            validatePrincipal(delta.principal());
        }
    }

    private static void validatePrincipal(String principal) {
        if (principal != null && !storable(principal)) {
            throw new IllegalArgumentException("a principal holds a \\u0000 character or an unpaired surrogate,"
                    + " which session stores cannot keep");
        }
    }

    /**
     * Client metadata (address, user agent) as every store keeps it: the text with each
     * {@code \u0000} and each unpaired surrogate replaced by U+FFFD, so informational text from a
     * client never fails a request. {@link SessionManager} cleans what it reads from a request with
     * this, and every store cleans what {@link SessionStore#create} is handed with it too, so a
     * store returns the same text whoever called it.
     *
     * @return the clean text; {@code null} for {@code null}, the same instance when already clean
     */
    public static String clientText(String text) {
        if (text == null || storable(text)) {
            return text;
        }
        StringBuilder clean = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                clean.append(c).append(text.charAt(++i));
            } else if (c == '\u0000' || Character.isSurrogate(c)) {
                clean.append('\uFFFD');
            } else {
                clean.append(c);
            }
        }
        return clean.toString();
    }

    /** Reads a JSON tree as {@code type}. */
    static <T> T fromJson(String name, JsonNode node, Class<T> type) {
        // the common scalars straight from the tree, as Jackson would read them (it looks the type up first)
        if (type == String.class && node.isTextual()) {
            return type.cast(node.textValue());
        }
        if (type == Long.class && node.isIntegralNumber() && node.canConvertToLong()) {
            return type.cast(node.longValue());
        }
        if (type == Integer.class && node.isInt()) {
            return type.cast(node.intValue());
        }
        if (type == Boolean.class && node.isBoolean()) {
            return type.cast(node.booleanValue());
        }
        try {
            return MAPPER.treeToValue(node, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalArgumentException("attribute '" + name + "' cannot be read as " + type.getName(), e);
        }
    }

    /** Reads a JSON tree as a generic type. */
    static <T> T fromJson(String name, JsonNode node, TypeReference<T> type) {
        try {
            return MAPPER.readerFor(type).readValue(node);
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("attribute '" + name + "' cannot be read as " + type.getType(), e);
        }
    }

    /** Writes an attribute map as one JSON object. */
    public static String writeAttributes(Map<String, JsonNode> attributes) {
        ObjectNode object = MAPPER.createObjectNode();
        attributes.forEach(object::set);
        try {
            return MAPPER.writeValueAsString(object);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }

    /** The size of a tree written as JSON, in UTF-8 bytes. */
    static int byteSize(JsonNode node) {
        if (node.isTextual()) {
            return utf8Length(node.textValue()) + 2;
        }
        if (node.isValueNode()) {
            return node.asText().length();
        }
        try {
            return MAPPER.writeValueAsBytes(node).length;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }

    private static int utf8Length(String text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += c < 0x20 || c == '"' || c == '\\' ? 2 : 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** Writes one value as JSON text. */
    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }

    /**
     * Reads an attribute map written by {@link #writeAttributes(Map)}.
     *
     * @throws IllegalArgumentException when {@code json} is not a JSON object
     */
    public static Map<String, JsonNode> readAttributes(String json) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("session attributes are not valid JSON", e);
        }
        if (tree == null || !tree.isObject()) {
            throw new IllegalArgumentException("session attributes are not a JSON object");
        }
        Map<String, JsonNode> attributes = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            attributes.put(field.getKey(), field.getValue());
        }
        return attributes;
    }

    /** Reads arbitrary JSON text into a tree; for adapters that take JSON request bodies. */
    public static JsonNode parse(String json) {
        try {
            JsonNode tree = MAPPER.readTree(json);
            if (tree == null || tree.isMissingNode()) {
                throw new IllegalArgumentException("empty JSON");
            }
            return tree;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON", e);
        }
    }

    private static boolean storable(JsonNode node) {
        if (node.isTextual()) {
            return storable(node.textValue());
        }
        if (node.isContainerNode()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!storable(field.getKey()) || !storable(field.getValue())) {
                    return false;
                }
            }
            if (node.isArray()) {
                for (JsonNode element : node) {
                    if (!storable(element)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** True when the text has no NUL and no unpaired surrogate. */
    static boolean storable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null ? root.getClass().getSimpleName() : message.lines().findFirst().orElse("");
    }
}
