package io.taskhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhub.postgres.PostgresConfig;
import io.taskhub.postgres.PostgresSchema;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code examples/order-service} as its team would use it: a separate project that depends on Taskhub by
 * version. Taskhub is installed from a clean copy of this repository (so the running build's own jars stay
 * untouched), the example is built against the installed artifacts with the Maven Wrapper, then run embedded on
 * SQLite and on PostgreSQL from its {@code main()}, and its jar is loaded by {@code taskhub serve --plugins}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OrderServiceExampleTest {
    private static final long BUILD_MINUTES = 10;

    private Path dir;
    private Path example;
    private String classpath;

    @BeforeAll
    void installTaskhubAndBuildTheExample(@TempDir Path directory) throws Exception {
        dir = directory;
        Path repository = TaskhubJar.moduleDirectory().getParent();
        Path copy = dir.resolve("taskhub");
        run(dir, List.of("git", "clone", "-q", repository.toString(), copy.toString()));
        // The artifacts the example needs (the BOM, the runtime and what it brings), installed as README's "Use
        // Taskhub from your project" says, into a local repository of the test's own that falls back on the user's
        // for everything else (so the user's holds no artifact of a build under test). Their tests are compiled,
        // not run: the modules' test-jars are among the artifacts, and without them the modules that use them
        // cannot resolve. The command-line modules are left out, the test command's time being bounded (the serve
        // test below uses this build's own jar).
        Path localRepository = dir.resolve("repository");
        List<String> repositories = List.of("-Dmaven.repo.local=" + localRepository,
                "-Dmaven.repo.local.tail=" + userLocalRepository());
        List<String> install = new ArrayList<>(List.of(copy.resolve("mvnw").toString(), "-B", "-q", "-o", "install",
                "-DskipTests", "-pl", "bom,runtime", "-am"));
        install.addAll(repositories);
        run(copy, install);
        example = copy.resolve("examples/order-service");
        // Online, as a user's build is: the first run may fetch the dependency plugin's own libraries.
        List<String> build = new ArrayList<>(List.of(copy.resolve("mvnw").toString(), "-B", "-q", "package",
                "dependency:build-classpath", "-Dmdep.outputFile=target/classpath.txt"));
        build.addAll(repositories);
        run(example, build);
        classpath = example.resolve("target/classes") + File.pathSeparator
                + Files.readString(example.resolve("target/classpath.txt")).strip();
    }

    @Test
    void embeddedOnSqlite_placesTheThreeOrders() throws Exception {
        Path work = Files.createDirectories(dir.resolve("sqlite"));
        String out = run(work, List.of(TaskhubJar.javaLauncher(), "-cp", classpath,
                "com.example.orders.OrderService", "sqlite.file=" + work.resolve("orders.db")));

        assertOrdersEnded(out);
        assertThat(work.resolve("orders.db")).exists();
    }

    @Test
    void embeddedOnPostgres_placesTheThreeOrders() throws Exception {
        try (PostgresSchema schema = PostgresSchema.reserve()) {
            PostgresConfig config = schema.config();
            List<String> command = new ArrayList<>(List.of(TaskhubJar.javaLauncher(), "-cp", classpath,
                    "com.example.orders.OrderService", "backend=postgres", "postgres.url=" + config.jdbcUrl(),
                    "postgres.schema=" + schema.name()));
            if (config.user() != null) {
                command.add("postgres.user=" + config.user());
            }
            if (config.password() != null) {
                command.add("postgres.password=" + config.password());
            }
            assertOrdersEnded(run(Files.createDirectories(dir.resolve("postgres")), command));
        }
    }

    @Test
    void asAPluginOfServe_runsTheOrderWorkflow() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.copy(example.resolve("target/order-service-1.0.0.jar"), plugins.resolve("order-service.jar"));
        TaskhubProcess taskhub = new TaskhubProcess(Files.createDirectories(dir.resolve("serve")),
                Map.of("TASKHUB_SQLITE_FILE", dir.resolve("serve.db").toString()));
        try (ServeProcess server = taskhub.serve(dir.resolve("logs"), "--port", "0", "--plugins", plugins.toString())) {
            String id = server.api().start("ProcessOrder", "plugin-order",
                    "{\"id\":\"plugin-order\",\"sku\":\"A-1\",\"quantity\":1,\"amountCents\":500,\"approvalSeconds\":600}");
            server.api().await(id, s -> s.path("customStatus").asText().equals("waiting for approval"),
                    "waiting for approval");
            server.api().raiseEvent(id, "Approval", "true");
            JsonNode done = server.api().awaitStatus(id, "Completed", "Failed");
            assertThat(done.path("output").asText()).isEqualTo("SHIPPED: shipment-plugin-order");
        }
    }

    /** The local repository this build resolves from: the one it was given, else Maven's default. */
    private static Path userLocalRepository() {
        String given = System.getProperty("maven.repo.local");
        return given != null && !given.isBlank() ? Path.of(given)
                : Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    private static void assertOrdersEnded(String out) {
        assertThat(out).containsPattern("Order approved-\\w+: Completed \"SHIPPED: shipment-approved-\\w+\"")
                .containsPattern("Order declined-\\w+: Completed \"CANCELLED: payment declined, reservation-B-7-1"
                        + " released\"")
                .containsPattern("Order late-\\w+: Completed \"CANCELLED: not approved in time, reservation-C-3-1"
                        + " released\"");
    }

    /** Runs a command to its end; its output, or an assertion error with it when it fails. */
    private static String run(Path directory, List<String> command) throws IOException, InterruptedException {
        Path output = Files.createTempFile(directory.getParent(), "command", ".log");
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        boolean ended = process.waitFor(BUILD_MINUTES, TimeUnit.MINUTES);
        String text = Files.readString(output, StandardCharsets.UTF_8);
        if (!ended) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not end within " + BUILD_MINUTES
                    + " minutes:\n" + text);
        }
        assertThat(process.exitValue()).as("%s\n%s", String.join(" ", command), text).isZero();
        return text;
    }
}
