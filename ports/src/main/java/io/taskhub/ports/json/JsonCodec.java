package io.taskhub.ports.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.taskhub.ports.errors.InvalidArgumentException;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.model.FailureDetails;
import java.util.Map;

/**
 * The one JSON mapping of Taskhub's stored values (history events, failure details, tags), shared by every
 * backend so that a history written by one reads back identically everywhere.
 */
public final class JsonCodec {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private JsonCodec() {
    }

    /** The shared mapper; treat it as read-only. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static String writeEvent(HistoryEvent event) {
        return write(event);
    }

    public static HistoryEvent readEvent(String json) {
        return read(json, HistoryEvent.class);
    }

    public static String writeFailure(FailureDetails failure) {
        return failure == null ? null : write(failure);
    }

    public static FailureDetails readFailure(String json) {
        return json == null ? null : read(json, FailureDetails.class);
    }

    @SuppressWarnings("unchecked")
    public static Map<String, String> readTags(String json) {
        return json == null ? Map.of() : read(json, Map.class);
    }

    public static String writeTags(Map<String, String> tags) {
        return tags == null || tags.isEmpty() ? null : write(tags);
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass().getName(), e);
        }
    }

    public static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot read stored " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Returns {@code json} unchanged when it is one complete JSON value.
     *
     * @throws InvalidArgumentException "Invalid JSON content" with the parser's reason
     */
    public static String requireValidJson(String json) {
        if (json == null) {
            return null;
        }
        try (var parser = MAPPER.createParser(json)) {
            JsonNode node = MAPPER.readTree(parser);
            if (node == null || parser.nextToken() != null) {
                throw new InvalidArgumentException("Invalid JSON content: expected exactly one JSON value.");
            }
            return json;
        } catch (java.io.IOException e) {
            throw new InvalidArgumentException("Invalid JSON content: " + firstLine(e.getMessage()), e);
        }
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "unreadable input";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
