package io.taskhub.core.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.taskhub.ports.errors.InvalidArgumentException;
import io.taskhub.ports.json.JsonCodec;

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
        if (value instanceof String text) {
            return JsonCodec.appendString(new StringBuilder(text.length() + 2), text).toString();
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
        if (type == String.class && isPlainString(json)) {
            return type.cast(json.substring(1, json.length() - 1));
        }
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new InvalidArgumentException("Cannot read JSON as " + type.getSimpleName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    /*
     * Strings are the most common payload (an activity's input and result, most often), and the mapper's way with
     * them is the longest: a parser or a generator, a serializer looked up, and much code for the JIT to compile on
     * a step's path. Strings are written with the codec's quoting, and read by the check below; both give what the
     * mapper gives (JsonDataConverterTest compares them).
     */

    /** Whether {@code json} is a JSON string with nothing to unescape: its text is what lies between its quotes. */
    private static boolean isPlainString(String json) {
        int last = json.length() - 1;
        if (last < 1 || json.charAt(0) != '"' || json.charAt(last) != '"') {
            return false;
        }
        for (int i = 1; i < last; i++) {
            char c = json.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20 || Character.isSurrogate(c)) {
                return false; // an escape, or text the parser would refuse or check: the mapper's business
            }
        }
        return true;
    }
}
