package dev.sessionkit.examples.portal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** JSON in and out for the demo apps, and the one shape of every error: {@code {"error": "<code>"}}. */
public final class Json {

    /** The content type of every JSON answer. */
    public static final String CONTENT_TYPE = "application/json";

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {
    }

    /** The body of an error answer. */
    public static Map<String, Object> error(String code) {
        return Map.of("error", code);
    }

    /**
     * Parses a request body.
     *
     * @throws PortalException {@code bad_request} when it is empty or not exactly one JSON value
     */
    public static JsonNode parse(byte[] body) {
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw PortalException.badRequest();
            }
            return node;
        } catch (IOException e) {
            throw PortalException.badRequest();
        }
    }

    /** Renders a value (maps, lists, strings, numbers, JSON trees) as JSON. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a JSON answer to a servlet response; for the filters and the plain servlet app. */
    public static void send(HttpServletResponse response, int status, Object body) throws IOException {
        byte[] bytes = write(body).getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(CONTENT_TYPE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
