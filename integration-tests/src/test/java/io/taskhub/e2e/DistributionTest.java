package io.taskhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhub.runtime.PluginJars;
import io.taskhub.runtime.config.Setting;
import io.taskhub.runtime.config.Settings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution archive the build makes ({@code adapter-cli/target/taskhub-<version>.tar.gz}), unpacked as a user
 * would: its layout, its commented settings file, and {@code bin/taskhub} serving the samples and a plugin dropped
 * into {@code plugins/}, with nothing but a JDK.
 */
class DistributionTest {
    @TempDir
    Path dir;

    private static Path archive() throws IOException {
        Path target = TaskhubJar.path().getParent();
        try (var files = Files.list(target)) {
            return files.filter(f -> f.getFileName().toString().matches("taskhub-.+\\.tar\\.gz")).findFirst()
                    .orElseThrow(() -> new AssertionError("no taskhub-<version>.tar.gz in " + target
                            + "; ./mvnw package makes it"));
        }
    }

    private Path unpack() throws Exception {
        Process tar = new ProcessBuilder("tar", "-xzf", archive().toString(), "-C", dir.toString())
                .redirectErrorStream(true).start();
        assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).as(new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isZero();
        try (var entries = Files.list(dir)) {
            return entries.filter(Files::isDirectory).filter(d -> d.getFileName().toString().startsWith("taskhub-"))
                    .findFirst().orElseThrow();
        }
    }

    @Test
    void theArchive_unpacks_andBinTaskhubServesTheSamplesAndAPluginOfItsFolder() throws Exception {
        Path home = unpack();
        assertThat(home.resolve("bin/taskhub")).isExecutable();
        assertThat(home.resolve("lib/taskhub.jar")).isRegularFile();
        assertThat(home.resolve("lib/taskhub-samples.jar")).isRegularFile();
        assertThat(home.resolve("plugins")).isDirectory();
        String conf = Files.readString(home.resolve("conf/taskhub.properties"));
        for (Setting setting : Settings.ALL) {
            assertThat(conf).as("conf/taskhub.properties lists every setting").contains(
                    "#" + setting.key() + "=" + setting.defaultValue());
        }
        PluginJars.greeter(home.resolve("plugins"), "greeter.jar", "com.example.dist", "Greet");

        Path work = Files.createDirectories(dir.resolve("work"));
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/taskhub").toString(), "serve", "--port",
                "0"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile());
        builder.environment().keySet().removeIf(key -> key.startsWith("TASKHUB_"));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("TASKHUB_SQLITE_FILE", dir.resolve("dist.db").toString());
        try (ServeProcess server = ServeProcess.start(builder, dir.resolve("logs"))) {
            ServerApi api = server.api();
            JsonNode hello = api.awaitStatus(api.start("E1_HelloSequence", "dist-hello", null), "Completed");
            assertThat(hello.path("output").toString()).contains("Hello Tokyo!");
            JsonNode greet = api.awaitStatus(api.start("Greet", "dist-greet", null), "Completed", "Failed");
            assertThat(greet.path("output").asText()).isEqualTo("from greeter.jar");
            assertThat(server.stdout()).contains("taskhub-samples.jar").contains("greeter.jar");
        }
    }
}
