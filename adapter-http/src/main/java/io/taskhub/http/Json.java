package io.taskhub.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/** The HTTP adapter's JSON: ordered object nodes, and stored JSON texts embedded as values. */
final class Json {
    /** Decimals are read as written (1.10 stays 1.10), so a stored value is shown exactly as it came in. */
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    /**
     * A stored JSON text as a value: JSON null for null. Stored texts were validated when they came in; one
     * that does not parse is shown as a string rather than failing the whole response.
     */
    static JsonNode value(String jsonText) {
        if (jsonText == null) {
            return NullNode.getInstance();
        }
        try {
            JsonNode node = MAPPER.readTree(jsonText);
            return node == null ? NullNode.getInstance() : node;
        } catch (JsonProcessingException e) {
            return TextNode.valueOf(jsonText);
        }
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree", e);
        }
    }
}
