package io.taskhub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Usage and configuration errors, in process: they are decided before any backend matters, so one run here
 * replaces a JVM start per backend and mode in the end-to-end tests.
 */
class UsageErrorsTest {
    @TempDir
    Path dir;
    private Map<String, String> environment;

    private record Result(int exitCode, String stdout, String stderr) {
    }

    @BeforeEach
    void ownDatabase() {
        environment = new HashMap<>(Map.of("TASKHUB_SQLITE_FILE", dir.resolve("usage.db").toString()));
    }

    private Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TaskhubCli.run(args, environment, new ByteArrayInputStream(new byte[0]), new PrintWriter(out, true),
                new PrintWriter(err, true), url -> { });
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void anUnknownOption_isAUsageError_namingTheOption() {
        Result result = run("get-instances", "--no-such-option");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("Unknown option: '--no-such-option'")
                .contains("See 'taskhub get-instances --help'.");
    }

    @Test
    void invalidJsonInput_isAUsageError_namingTheOptionAndTheValue() {
        Result result = run("start-new", "-n", "Approval", "--input", "{timeoutSeconds: 5");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("--input: '{timeoutSeconds: 5' is not one JSON value");
        assertThat(result.stdout()).isEmpty();
    }

    @Test
    void aBadInstant_isAUsageError_namingTheOptionAndTheValue() {
        Result result = run("get-instances", "--created-after", "yesterday");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("--created-after: 'yesterday' is not an ISO-8601 instant");
    }

    @Test
    void topZero_isAUsageError_sayingWhatIsAccepted() {
        Result result = run("get-instances", "--top", "0");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("--top must be between 1 and 1000, was 0.");
    }

    @Test
    void anUnknownSettingInTheEnvironment_stopsTheCommand_namingIt() {
        environment.put("TASKHUB_SQLITE_FIEL", "typo.db");
        Result result = run("get-instances");
        assertThat(result.exitCode()).isEqualTo(5);
        assertThat(result.stderr()).contains("Unknown environment variable TASKHUB_SQLITE_FIEL")
                .contains("TASKHUB_SQLITE_FILE");
    }

    @Test
    void anUnknownSettingInAPropertiesFile_stopsTheCommand_namingIt() throws IOException {
        Path properties = Files.writeString(dir.resolve("typo.properties"), "worker.leaseSecond=5\n");
        Result result = run("get-instances", "--config", properties.toString());
        assertThat(result.exitCode()).isEqualTo(5);
        assertThat(result.stderr()).contains("Unknown setting 'worker.leaseSecond'").contains("worker.leaseSeconds");
    }

    @Test
    void anEndpointWhereNothingListens_isUnavailable_sayingWhatToCheck() throws IOException {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Result result = run("get-runtime-status", "--id", "x", "--endpoint", "http://127.0.0.1:" + closedPort);
        assertThat(result.exitCode()).isEqualTo(5);
        assertThat(result.stderr()).contains("Cannot reach the Taskhub server at http://127.0.0.1:" + closedPort)
                .contains("is the server running").doesNotContain("null");
    }

    @Test
    void settingsAreLayered_fileThenEnvironmentThenFlags_andTaskhubConfigNamesTheFile() throws IOException {
        Path file = Files.writeString(dir.resolve("layers.properties"), "taskhub=FromFile\nhttp.port=7001\n");
        environment.put("TASKHUB_CONFIG", file.toString());
        environment.put("TASKHUB_HTTP_PORT", "7002");

        Result fromFile = run("get-instances", "-o", "json");
        assertThat(fromFile.exitCode()).as(fromFile.stderr()).isZero();
        assertThat(fromFile.stderr()).doesNotContain("Unknown");

        Result overridden = run("get-instances", "--taskhub", "FromFlag", "--set", "taskhub=Ignored", "-o", "json");
        assertThat(overridden.exitCode()).as(overridden.stderr()).isZero();
        assertThat(io.taskhub.runtime.config.Settings.load(file, environment, Map.of("taskhub", "FromFlag"))
                .get(io.taskhub.runtime.config.Settings.TASK_HUB)).isEqualTo("FromFlag");
        assertThat(io.taskhub.runtime.config.Settings.load(file, environment, Map.of())
                .get(io.taskhub.runtime.config.Settings.HTTP_PORT)).as("the environment over the file")
                .isEqualTo("7002");
        assertThat(io.taskhub.runtime.config.Settings.load(file, Map.of(), Map.of())
                .get(io.taskhub.runtime.config.Settings.TASK_HUB)).isEqualTo("FromFile");
    }

    // A command line holds only the command its first argument names (TaskhubCli.commandLine); these hold what the
    // others are still there for, and that the settings of the whole command line reach the one command.

    @Test
    void aMistypedCommand_isAUsageError_suggestingTheCommandMeant() {
        Result result = run("start-nw", "-n", "Approval");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("Unmatched argument").contains("Did you mean: taskhub start-new");
    }

    @Test
    void help_ofACommand_showsThatCommandsUsage() {
        Result result = run("help", "get-history");
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).contains("Usage: taskhub get-history");
    }

    @Test
    void noCommand_listsEveryCommand() {
        Result result = run();
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).isEqualTo("Error: Missing command." + System.lineSeparator() + "See 'taskhub --help'."
                + System.lineSeparator());
        Result usage = run("--help");
        assertThat(usage.exitCode()).isZero();
        assertThat(usage.stdout()).contains("serve").contains("start-new").contains("list-workers").contains("help");
    }

    @Test
    void anInputFromAFile_isReadAsJson_notExpandedIntoArguments() throws IOException {
        // Picocli's argument files would split this file at its spaces into several arguments.
        Files.writeString(dir.resolve("approval.json"), "{\"timeoutSeconds\": 0, \"note\": \"two words\"}");

        Result result = run("start-new", "-n", "Approval", "--input", "@" + dir.resolve("approval.json"), "-o",
                "json");
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).contains("\"id\"");
    }
}
