package io.taskhub.e2e;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;

/** What one run of the command did: its exit code and everything it printed. */
record CommandResult(List<String> arguments, int exitCode, String stdout, String stderr, Duration took) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Standard output parsed as JSON (for {@code -o json}). */
    JsonNode json() {
        try {
            return JSON.readTree(stdout);
        } catch (JsonProcessingException e) {
            throw new AssertionError("Standard output is not JSON: " + e.getOriginalMessage() + "\n" + describe(), e);
        }
    }

    /** The whole run, for assertion messages. */
    String describe() {
        return "taskhub " + String.join(" ", arguments) + "\nexited with " + exitCode + " after " + took.toMillis()
                + " ms\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr + "---";
    }
}
