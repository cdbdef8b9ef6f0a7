package dev.sessionkit.spring;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.WritableTypeId;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.servlet.FlashMap;

/**
 * Spring MVC's {@link FlashMap} in a sessionkit session: it is a {@code HashMap} with a target path,
 * target parameters and an expiry beside its entries, which Jackson's map handling would drop, so
 * {@code SessionFlashMapManager} would find a plain map after the redirect. Written as
 * {@code {"@class":"…FlashMap","targetRequestPath":…,"targetRequestParams":{…},"expirationTime":…,
 * "attributes":{…}}}, the attributes keeping their own types.
 */
final class FlashMapJacksonModule extends SimpleModule {

    private static final long serialVersionUID = 1L;

    /** The class names the module handles, to allow as attribute types. */
    static final List<String> TYPES = List.of(FlashMap.class.getName());

    FlashMapJacksonModule() {
        super("sessionkit-flash-map");
        addSerializer(FlashMap.class, new Writer());
        addDeserializer(FlashMap.class, new Reader());
    }

    private static final class Writer extends StdSerializer<FlashMap> {

        private static final long serialVersionUID = 1L;

        Writer() {
            super(FlashMap.class);
        }

        @Override
        public void serialize(FlashMap value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeStartObject(value);
            fields(value, gen, provider);
            gen.writeEndObject();
        }

        @Override
        public void serializeWithType(FlashMap value, JsonGenerator gen, SerializerProvider provider,
                TypeSerializer typeSer) throws IOException {
            WritableTypeId id = typeSer.writeTypePrefix(gen, typeSer.typeId(value, JsonToken.START_OBJECT));
            fields(value, gen, provider);
            typeSer.writeTypeSuffix(gen, id);
        }

        private static void fields(FlashMap value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeStringField("targetRequestPath", value.getTargetRequestPath());
            gen.writeObjectFieldStart("targetRequestParams");
            for (Map.Entry<String, List<String>> param : value.getTargetRequestParams().entrySet()) {
                gen.writeArrayFieldStart(param.getKey());
                for (String v : param.getValue()) {
                    gen.writeString(v);
                }
                gen.writeEndArray();
            }
            gen.writeEndObject();
            gen.writeNumberField("expirationTime", value.getExpirationTime());
            // entries keep their own types: a map of the mapper's default typing
            provider.defaultSerializeField("attributes", new LinkedHashMap<>(value), gen);
        }
    }

    private static final class Reader extends StdDeserializer<FlashMap> {

        private static final long serialVersionUID = 1L;

        Reader() {
            super(FlashMap.class);
        }

        @Override
        public FlashMap deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            ObjectMapper mapper = (ObjectMapper) p.getCodec();
            JsonNode node = ctxt.readTree(p); // may start inside the object, after the type id
            FlashMap map = new FlashMap();
            JsonNode path = node.path("targetRequestPath");
            if (path.isTextual()) {
                map.setTargetRequestPath(path.textValue());
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.path("targetRequestParams").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> param = it.next();
                for (JsonNode v : param.getValue()) {
                    map.addTargetRequestParam(param.getKey(), v.asText());
                }
            }
            if (node.path("expirationTime").canConvertToLong()) {
                map.setExpirationTime(node.path("expirationTime").longValue());
            }
            JsonNode attributes = node.get("attributes");
            if (attributes != null && !attributes.isNull()) {
                Object entries = mapper.readValue(mapper.treeAsTokens(attributes), Object.class);
                if (entries instanceof Map<?, ?> m) {
                    m.forEach((k, v) -> map.put(String.valueOf(k), v));
                }
            }
            return map;
        }
    }
}
