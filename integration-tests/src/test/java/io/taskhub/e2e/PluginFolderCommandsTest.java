package io.taskhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhub.runtime.PluginJars;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's plugin jar in a folder, tried as a user would with the built command: {@code serve --plugins DIR}
 * says what it loaded from which jar and runs it; {@code list-functions} shows it directly and over
 * {@code --endpoint}; a name two jars register stops {@code serve}, naming both.
 */
class PluginFolderCommandsTest {
    @TempDir
    Path dir;
    private Path plugins;
    private TaskhubProcess taskhub;

    @BeforeEach
    void folders() throws IOException {
        plugins = Files.createDirectories(dir.resolve("plugins"));
        Path work = Files.createDirectories(dir.resolve("work"));
        taskhub = new TaskhubProcess(work, Map.of("TASKHUB_SQLITE_FILE", dir.resolve("taskhub.db").toString()));
    }

    @Test
    void serveWithAPluginFolder_printsWhatItLoaded_runsIt_andListsIt() throws Exception {
        Path jar = PluginJars.greeter(plugins, "greeter.jar", "com.example.greeter", "Greet");

        CommandResult direct = taskhub.run("list-functions", "--plugins", plugins.toString(), "-o", "json");
        assertThat(direct.exitCode()).as(direct::describe).isZero();
        assertThat(sourceOf(direct.json().path("orchestrators"), "Greet")).isEqualTo(jar.toString());

        try (ServeProcess server = taskhub.serve(dir.resolve("logs"), "--port", "0", "--plugins", plugins.toString())) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(server.logs())
                    .contains("from " + jar + ": orchestrators Greet; activities GreetActivity"));
            String id = server.api().start("Greet", null, null);
            JsonNode done = server.api().awaitStatus(id, "Completed", "Failed");
            assertThat(done.path("output").asText()).isEqualTo("from greeter.jar");

            CommandResult remote = taskhub.run("list-functions", "--endpoint", server.rootUrl(), "-o", "json");
            assertThat(remote.exitCode()).as(remote::describe).isZero();
            assertThat(sourceOf(remote.json().path("orchestrators"), "Greet")).isEqualTo(jar.toString());
            assertThat(sourceOf(remote.json().path("activities"), "GreetActivity")).isEqualTo(jar.toString());
        }
    }

    @Test
    void aNameInTwoJars_stopsServe_withExit5_namingBothJars() {
        PluginJars.greeter(plugins, "a.jar", "com.example.a", "Twice");
        PluginJars.greeter(plugins, "b.jar", "com.example.b", "Twice");

        CommandResult result = taskhub.run("serve", "--port", "0", "--plugins", plugins.toString());

        assertThat(result.exitCode()).as(result::describe).isEqualTo(5);
        assertThat(result.stderr()).as(result::describe).contains("registered twice").contains("a.jar")
                .contains("b.jar");
        assertThat(result.stdout()).doesNotContain("Taskhub is serving");
    }

    @Test
    void theSamples_areAPluginJar_thatSamplesEnabledFalseTurnsOff() throws Exception {
        PluginJars.greeter(plugins, "monitoring.jar", "com.example.monitoring", "Monitor"); // a sample's name

        CommandResult clash = taskhub.run("serve", "--port", "0", "--plugins", plugins.toString());
        assertThat(clash.exitCode()).as(clash::describe).isEqualTo(5);
        assertThat(clash.stderr()).as("which jar registered the name first").contains("'Monitor' is registered twice")
                .contains("first by").contains("taskhub-samples.jar").contains("monitoring.jar");

        CommandResult listed = taskhub.run("list-functions", "--plugins", plugins.toString(), "--set",
                "samples.enabled=false", "-o", "json");
        assertThat(listed.exitCode()).as(listed::describe).isZero();
        assertThat(sourceOf(listed.json().path("orchestrators"), "Monitor")).endsWith("monitoring.jar");
        assertThat(listed.json().path("orchestrators").toString()).doesNotContain("E1_HelloSequence");

        CommandResult samples = taskhub.run("list-functions", "-o", "json");
        assertThat(sourceOf(samples.json().path("orchestrators"), "E1_HelloSequence"))
                .as("by default the samples come from their own jar").endsWith("taskhub-samples.jar");
    }

    private static String sourceOf(JsonNode functions, String name) {
        for (JsonNode function : functions) {
            if (function.path("name").asText().equals(name)) {
                return function.path("source").asText();
            }
        }
        throw new AssertionError(name + " is not listed in " + functions);
    }
}
