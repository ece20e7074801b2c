package io.taskhub.ports.json;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.datatype.jsr310.ser.InstantSerializer;
import io.taskhub.ports.errors.InvalidArgumentException;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.model.FailureDetails;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;

/**
 * The one JSON mapping of Taskhub's stored values (history events, failure details, tags), shared by every
 * backend so that a history written by one reads back identically everywhere.
 */
public final class JsonCodec {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .registerModule(new SimpleModule("taskhub-instants").addSerializer(Instant.class,
                    new IsoInstantSerializer()))
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    static {
        // History events are stored typed by their Durable Functions name under "eventType". The mapping is the
        // codec's business: the event types carry no serialisation annotations.
        MAPPER.addMixIn(HistoryEvent.class, HistoryEventJson.class);
        for (Class<?> type : HistoryEvent.class.getPermittedSubclasses()) {
            @SuppressWarnings("unchecked")
            Class<? extends HistoryEvent> eventType = (Class<? extends HistoryEvent>) type;
            MAPPER.registerSubtypes(new NamedType(eventType, HistoryEvent.typeName(eventType)));
        }
    }

    /** Made once the subtypes are registered: a reader made for every event was a tenth of what reading cost. */
    private static final ObjectReader EVENT_READER = MAPPER.readerFor(HistoryEvent.class);
    /** The same for writing, for the events {@link EventWriter} leaves to the mapper. */
    private static final ObjectWriter EVENT_WRITER = MAPPER.writerFor(HistoryEvent.class);

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "eventType")
    private abstract static class HistoryEventJson {
        @JsonIgnore
        abstract String eventType();
    }

    private JsonCodec() {
    }

    /** The shared mapper; treat it as read-only. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static String writeEvent(HistoryEvent event) {
        String json = EventWriter.write(event);
        if (json != null) {
            return json;
        }
        try {
            return EVENT_WRITER.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + event.getClass().getName(), e);
        }
    }

    /**
     * {@code instant} as ISO-8601 text in UTC, exactly as {@link Instant#toString()} writes it (and the JSR-310
     * module's default): seconds always, the fraction in groups of three digits, as many as it needs.
     */
    public static String isoInstant(Instant instant) {
        long seconds = instant.getEpochSecond();
        if (seconds < FIRST_FOUR_DIGIT_YEAR || seconds >= FIRST_FIVE_DIGIT_YEAR) {
            return instant.toString(); // a sign or a fifth digit in the year
        }
        long day = Math.floorDiv(seconds, 86_400);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400);
        LocalDate date = LocalDate.ofEpochDay(day);
        char[] text = new char[30];
        int at = digits(text, 0, date.getYear(), 4);
        text[at++] = '-';
        at = digits(text, at, date.getMonthValue(), 2);
        text[at++] = '-';
        at = digits(text, at, date.getDayOfMonth(), 2);
        text[at++] = 'T';
        at = digits(text, at, secondOfDay / 3600, 2);
        text[at++] = ':';
        at = digits(text, at, secondOfDay / 60 % 60, 2);
        text[at++] = ':';
        at = digits(text, at, secondOfDay % 60, 2);
        int nanos = instant.getNano();
        if (nanos != 0) {
            text[at++] = '.';
            if (nanos % 1_000_000 == 0) {
                at = digits(text, at, nanos / 1_000_000, 3);
            } else if (nanos % 1_000 == 0) {
                at = digits(text, at, nanos / 1_000, 6);
            } else {
                at = digits(text, at, nanos, 9);
            }
        }
        text[at++] = 'Z';
        return new String(text, 0, at);
    }

    /**
     * Appends {@code text} as a JSON string (or {@code null}), escaped as the mapper's generator escapes it: the one
     * quoting of the texts Taskhub writes out without the mapper.
     */
    public static StringBuilder appendString(StringBuilder json, String text) {
        if (text == null) {
            return json.append("null");
        }
        json.append('"');
        JsonStringEncoder.getInstance().quoteAsString(text, json);
        return json.append('"');
    }

    /** 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z in epoch seconds: the years written with four digits. */
    private static final long FIRST_FOUR_DIGIT_YEAR = -62_167_219_200L;
    private static final long FIRST_FIVE_DIGIT_YEAR = 253_402_300_800L;

    /** Writes {@code value} (not negative) as {@code width} decimal digits at {@code at}; returns the next index. */
    private static int digits(char[] text, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            text[i] = (char) ('0' + value % 10);
            value /= 10;
        }
        return at + width;
    }

    /**
     * Instants as {@link #isoInstant} writes them. Every history event carries one or two, and the JSR-310 module's
     * serializer formats them with a {@code DateTimeFormatter}: a fifth of an event's serialization, and one of the
     * largest methods the JIT compiled while a burst of hello sequences ran. A mapper that writes dates as
     * timestamps still gets the module's numbers.
     */
    private static final class IsoInstantSerializer extends StdSerializer<Instant> {
        private static final long serialVersionUID = 1L;

        IsoInstantSerializer() {
            super(Instant.class);
        }

        @Override
        public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            if (provider.isEnabled(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)) {
                InstantSerializer.INSTANCE.serialize(value, gen, provider);
            } else {
                gen.writeString(isoInstant(value));
            }
        }
    }

    public static HistoryEvent readEvent(String json) {
        try {
            return EVENT_READER.readValue(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot read stored HistoryEvent: " + e.getOriginalMessage(), e);
        }
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
     * Returns {@code json} unchanged when it is one complete JSON value that every reader sees as written: a
     * string with an unpaired surrogate escape (backslash-u D800 alone) has no UTF-8 form, and a number beyond the
     * range of a double ({@code 1e999999}) reads back as infinity, so both are refused rather than changed.
     *
     * @throws InvalidArgumentException "Invalid JSON content" with the parser's reason
     */
    public static String requireValidJson(String json) {
        if (json == null) {
            return null;
        }
        try {
            return walkValue(json);
        } catch (java.io.IOException e) {
            throw new InvalidArgumentException("Invalid JSON content: " + firstLine(e.getMessage()), e);
        }
    }

    /** Reads every token of the one value (the parser checks the syntax), then requires the end of input. */
    private static String walkValue(String json) throws java.io.IOException {
        try (JsonParser parser = MAPPER.createParser(json)) {
            int depth = 0;
            JsonToken token = parser.nextToken();
            while (token != null) {
                switch (token) {
                    case START_OBJECT, START_ARRAY -> depth++;
                    case END_OBJECT, END_ARRAY -> depth--;
                    case FIELD_NAME, VALUE_STRING -> requireEncodable(parser.getText(), parser);
                    case VALUE_NUMBER_FLOAT -> {
                        if (!Double.isFinite(parser.getDoubleValue())) {
                            throw new InvalidArgumentException("Invalid JSON content: the number " + parser.getText()
                                    + " is beyond the range of a double" + at(parser) + ".");
                        }
                    }
                    default -> {
                        // other scalars are kept exactly as written
                    }
                }
                if (depth == 0) {
                    if (parser.nextToken() != null) {
                        throw new InvalidArgumentException("Invalid JSON content: expected exactly one JSON value.");
                    }
                    return json;
                }
                token = parser.nextToken();
            }
            throw new InvalidArgumentException("Invalid JSON content: expected exactly one JSON value.");
        }
    }

    private static void requireEncodable(String text, JsonParser parser) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new InvalidArgumentException("Invalid JSON content: unpaired surrogate \\u"
                        + String.format("%04x", (int) c) + " in a string" + at(parser)
                        + "; it has no UTF-8 form and cannot be stored.");
            }
        }
    }

    private static String at(JsonParser parser) {
        var location = parser.currentTokenLocation();
        return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "unreadable input";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
