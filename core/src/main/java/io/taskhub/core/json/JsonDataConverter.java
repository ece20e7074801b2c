package io.taskhub.core.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.taskhub.ports.errors.InvalidArgumentException;

/** Converts user values (inputs, outputs, event payloads, custom status) to and from JSON text. */
public final class JsonDataConverter {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private JsonDataConverter() {
    }

    /** JSON text for {@code value}; a Java null stays null (no payload). */
    public static String serialize(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new InvalidArgumentException("Cannot serialize a " + value.getClass().getName()
                    + " to JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The value of JSON text {@code json} as {@code type}; null text (or Void) gives null. */
    public static <T> T deserialize(String json, Class<T> type) {
        if (json == null || type == Void.class || type == void.class) {
            return null;
        }
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new InvalidArgumentException("Cannot read JSON as " + type.getSimpleName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }
}
