package io.taskhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code serve} logs: dated lines, instance work marked with its instance id, and, with {@code log.format=json},
 * one JSON object per line for log collectors.
 */
class LogLinesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** Starts an instance that waits, terminates it, and returns the server's log once the end is logged. */
    private static String logOfATermination(ServeProcess server, String id) {
        ServerApi api = server.api();
        api.start("Approval", id, "{\"timeoutSeconds\":600}");
        api.awaitStatus(id, "Running");
        CommandResult terminated = new TaskhubProcess(Path.of("."), Map.of()).run("terminate", "--id", id,
                "--reason", "no longer needed", "--yes", "--endpoint", server.rootUrl());
        assertThat(terminated.exitCode()).as(terminated::describe).isZero();
        api.awaitStatus(id, "Terminated");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> server.stderr().contains("was terminated"));
        return server.stderr();
    }

    @Test
    void textLines_areDated_andInstanceWorkCarriesItsInstanceId() {
        TaskhubProcess taskhub = new TaskhubProcess(dir, Map.of("TASKHUB_SQLITE_FILE",
                dir.resolve("taskhub.db").toString()));
        ServeProcess server = taskhub.serve(dir.resolve("logs"), "--port", "0");
        try {
            String log = logOfATermination(server, "log-text-1");
            String line = log.lines().filter(l -> l.contains("was terminated")).findFirst().orElseThrow();
            assertThat(line).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z INFO .*")
                    .contains("[log-text-1]").contains("Instance log-text-1 (Approval, execution ")
                    .contains(") was terminated")
                    .as("the reason is a payload: left out unless log.payloads=true").doesNotContain("no longer needed");
        } finally {
            server.stop();
        }
    }

    @Test
    void logFormatJson_writesOneObjectPerLine_withTheInstanceId() throws Exception {
        TaskhubProcess taskhub = new TaskhubProcess(dir, Map.of("TASKHUB_SQLITE_FILE",
                dir.resolve("taskhub.db").toString(), "TASKHUB_LOG_FORMAT", "json"));
        ServeProcess server = taskhub.serve(dir.resolve("logs"), "--port", "0");
        try {
            String log = logOfATermination(server, "log-json-1");
            List<String> lines = log.lines().filter(l -> !l.isBlank()).toList();
            for (String line : lines) {
                assertThat(JSON.readTree(line).isObject()).as("a JSON object per line: %s", line).isTrue();
            }
            JsonNode ended = JSON.readTree(lines.stream().filter(l -> l.contains("was terminated")).findFirst()
                    .orElseThrow());
            assertThat(ended.path("level").asText()).isEqualTo("INFO");
            assertThat(ended.path("loggerName").asText()).isEqualTo("io.taskhub.lifecycle");
            assertThat(ended.path("mdc").path("instanceId").asText()).isEqualTo("log-json-1");
            assertThat(ended.path("mdc").path("executionId").asText()).as("the execution, a structured field too")
                    .isNotBlank();
        } finally {
            server.stop();
        }
    }
}
