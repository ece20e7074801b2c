package io.taskhub.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.taskhub.ports.errors.InvalidArgumentException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Strings go to and from JSON without the mapper (the most common payload, on every step's path): they must give
 * exactly what a mapper configured as the converter's gives, and text that is not a plain JSON string still goes
 * through the mapper, with its coercions and its errors.
 */
class JsonDataConverterTest {
    private static final ObjectMapper REFERENCE = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private static final List<String> TEXTS = List.of("", "Tokyo", "Hello Seattle!", "quote \" inside",
            "back\\slash / slash", "tab\tnew\nline\rreturn\bbell\ffeed", "\u0000\u0001\u001f\u007f",
            "caf\u00e9 \u65e5\u672c \ud83d\ude00", "lone \ud800 surrogate", "</script>", "\u2028\u2029", "{\"a\":1}");

    @Test
    void strings_areWrittenAsTheMapperWritesThem_andReadBack() throws Exception {
        for (String text : TEXTS) {
            String json = JsonDataConverter.serialize(text);
            assertThat(json).isEqualTo(REFERENCE.writeValueAsString(text));
            assertThat(JsonDataConverter.deserialize(json, String.class)).isEqualTo(text);
        }
    }

    @Test
    void textThatIsNotAPlainString_isReadByTheMapper() throws Exception {
        for (String json : List.of("\"with \\u0041 escape\"", "  \"spaced\"  ", "42", "true", "\"\\\"\"",
                "\"a\"b\"", "\"emoji \ud83d\ude00\"")) {
            assertThat(JsonDataConverter.deserialize(json, String.class))
                    .isEqualTo(REFERENCE.readValue(json, String.class));
        }
        assertThat(JsonDataConverter.deserialize("{\"a\":\"b\"}", Map.class)).isEqualTo(Map.of("a", "b"));
    }

    @Test
    void textTheMapperRefuses_isStillRefused() {
        for (String json : List.of("\"raw\ncontrol\"", "\"unterminated", "\"")) {
            assertThatThrownBy(() -> JsonDataConverter.deserialize(json, String.class))
                    .as(json).isInstanceOf(InvalidArgumentException.class)
                    .hasMessageStartingWith("Cannot read JSON as String");
        }
    }
}
