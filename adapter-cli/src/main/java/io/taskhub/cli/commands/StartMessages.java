package io.taskhub.cli.commands;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhub.ports.errors.InvalidArgumentException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads a file of start messages: one JSON array of them, or one JSON object per line (JSON lines). */
final class StartMessages {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StartMessages() {
    }

    static List<JsonNode> read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new InvalidArgumentException("Cannot read --from-file " + file + ": " + e.getMessage());
        }
        if (text.isEmpty()) {
            throw new InvalidArgumentException("--from-file " + file + " holds no start message.");
        }
        if (text.startsWith("[")) {
            JsonNode array = parse(text, file + "");
            List<JsonNode> messages = new ArrayList<>();
            array.forEach(messages::add);
            return messages;
        }
        List<JsonNode> messages = new ArrayList<>();
        String[] lines = text.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].isBlank()) {
                messages.add(parse(lines[i], file + " line " + (i + 1)));
            }
        }
        return messages;
    }

    private static JsonNode parse(String json, String where) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidArgumentException("--from-file: " + where + " is not JSON: " + e.getOriginalMessage());
        }
    }
}
