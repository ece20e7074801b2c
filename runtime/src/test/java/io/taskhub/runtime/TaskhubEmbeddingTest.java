package io.taskhub.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskhub.ports.client.ManagementPayload;
import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.orchestration.TaskhubPlugin;
import io.taskhub.postgres.PostgresConfig;
import io.taskhub.postgres.PostgresSchema;
import io.taskhub.runtime.config.ConfigurationException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Taskhub inside an application's own {@code main()}: the builder, its settings, plugins, HTTP and close. */
class TaskhubEmbeddingTest {
    /** What an application registers: an orchestrator calling an activity. */
    static final TaskhubPlugin GREETINGS = registry -> registry
            .addActivity("Shout", ctx -> ctx.getInput(String.class).toUpperCase(java.util.Locale.ROOT) + "!")
            .addOrchestrator("Greet", ctx -> ctx.callActivity("Shout", ctx.getInput(String.class), String.class)
                    .await());

    /** An activity that uses its context's management links and client, like Durable Functions' SendInstanceInfo. */
    static final TaskhubPlugin LINKS = registry -> registry
            .addActivity("Links", ctx -> ctx.instanceManagementPayload())
            .addOrchestrator("ShowLinks", ctx -> ctx.callActivity("Links", null, ManagementPayload.class).await())
            .addActivity("StartAnother", ctx -> ctx.client().startNew(StartInstanceRequest.of("Greet", "\"child\"")
                    .withInstanceId(ctx.instanceId() + "-started")))
            .addOrchestrator("StartsAnother", ctx -> ctx.callActivity("StartAnother", null, String.class).await());

    @TempDir
    Path dir;

    private Map<String, String> sqlite() {
        return Map.of("backend", "sqlite", "sqlite.file", dir.resolve("embedded.db").toString());
    }

    private static InstanceMetadata runGreet(Taskhub taskhub) {
        String id = taskhub.client().startNew(StartInstanceRequest.of("Greet", "\"hello\""));
        return taskhub.client().waitForCompletion(id, Duration.ofSeconds(60)).orElseThrow();
    }

    @Test
    void embeddedOnSqlite_runsTheApplicationsOrchestrations() {
        try (Taskhub taskhub = Taskhub.builder().settings(sqlite()).plugin(GREETINGS).start()) {
            InstanceMetadata done = runGreet(taskhub);

            assertThat(done.runtimeStatus()).isEqualTo(RuntimeStatus.Completed);
            assertThat(done.output()).isEqualTo("\"HELLO!\"");
            assertThat(taskhub.orchestratorNames()).contains("Greet");
            assertThat(taskhub.client().taskHub()).isEqualTo("TaskHub");
        }
    }

    @Test
    void embeddedOnPostgres_runsTheApplicationsOrchestrations() {
        try (PostgresSchema schema = PostgresSchema.reserve()) {
            PostgresConfig config = schema.config();
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("backend", "postgres");
            settings.put("postgres.url", config.jdbcUrl());
            settings.put("postgres.schema", schema.name());
            settings.put("postgres.user", config.user() == null ? "" : config.user());
            settings.put("postgres.password", config.password() == null ? "" : config.password());
            settings.put("taskhub", "Orders");
            try (Taskhub taskhub = Taskhub.builder().settings(settings).plugin(GREETINGS).start()) {
                assertThat(runGreet(taskhub).output()).isEqualTo("\"HELLO!\"");
                assertThat(taskhub.client().taskHub()).isEqualTo("Orders");
            }
            // The faster, less durable commits are a setting away, and bad values are refused by name.
            settings.put("postgres.synchronousCommit", "off");
            try (Taskhub taskhub = Taskhub.builder().settings(settings).plugin(GREETINGS).start()) {
                assertThat(runGreet(taskhub).output()).isEqualTo("\"HELLO!\"");
            }
            settings.put("postgres.synchronousCommit", "sometimes");
            assertThatThrownBy(() -> Taskhub.builder().settings(settings).plugin(GREETINGS).start())
                    .hasMessageContaining("postgres.synchronousCommit").hasMessageContaining("sometimes");
        }
    }

    @Test
    void httpEnabled_servesTheApiAndTheDashboardFromTheSameProcess() throws Exception {
        try (Taskhub taskhub = Taskhub.builder().settings(sqlite()).setting("http.enabled", "true")
                .setting("http.port", "0").plugin(GREETINGS).start()) {
            String id = taskhub.client().startNew(StartInstanceRequest.of("Greet", "\"web\""));
            taskhub.client().waitForCompletion(id, Duration.ofSeconds(60)).orElseThrow();

            HttpResponse<String> status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    taskhub.httpBaseUrl() + "/runtime/webhooks/durabletask/instances/" + id)).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(status.statusCode()).isEqualTo(200);
            assertThat(status.body()).contains("\"WEB!\"").contains("\"Completed\"");

            HttpResponse<String> dashboard = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    taskhub.httpBaseUrl() + "/taskhub/ui/")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(dashboard.statusCode()).isEqualTo(200);
            assertThat(dashboard.body()).contains("<title>Taskhub</title>");
        }
    }

    @Test
    void anActivity_getsItsInstancesManagementLinks_underTheServedAddress_whichAnswer() throws Exception {
        try (Taskhub taskhub = Taskhub.builder().settings(sqlite()).setting("http.enabled", "true")
                .setting("http.port", "0").plugin(LINKS).start()) {
            String id = taskhub.client().startNew(StartInstanceRequest.of("ShowLinks", null));
            InstanceMetadata done = taskhub.client().waitForCompletion(id, Duration.ofSeconds(60)).orElseThrow();
            ManagementPayload links = io.taskhub.ports.json.JsonCodec.read(done.output(), ManagementPayload.class);

            assertThat(links.id()).isEqualTo(id);
            assertThat(links.statusQueryGetUri()).startsWith(taskhub.httpBaseUrl()
                    + "/runtime/webhooks/durabletask/instances/" + id + "?taskHub=TaskHub");
            assertThat(links.sendEventPostUri()).contains("/raiseEvent/{eventName}");
            HttpResponse<String> status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(links.statusQueryGetUri())).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(status.statusCode()).isEqualTo(200);
            assertThat(status.body()).contains(id);
        }
    }

    @Test
    void anActivity_linksUnderThePublicUrl_evenWithoutHttp_andFailsClearlyWithNoAddressAtAll() {
        try (Taskhub taskhub = Taskhub.builder().settings(sqlite()).setting("http.publicBaseUrl",
                "https://orders.example.com/taskhub").plugin(LINKS).start()) {
            String id = taskhub.client().startNew(StartInstanceRequest.of("ShowLinks", null));
            InstanceMetadata done = taskhub.client().waitForCompletion(id, Duration.ofSeconds(60)).orElseThrow();
            assertThat(done.output()).contains("https://orders.example.com/taskhub/runtime/webhooks/durabletask"
                    + "/instances/" + id);
        }
        try (Taskhub taskhub = Taskhub.builder().settings(sqlite()).setting("taskhub", "NoLinks").plugin(LINKS)
                .start()) {
            String id = taskhub.client().startNew(StartInstanceRequest.of("ShowLinks", null));
            InstanceMetadata done = taskhub.client().waitForCompletion(id, Duration.ofSeconds(60)).orElseThrow();
            assertThat(done.runtimeStatus()).isEqualTo(RuntimeStatus.Failed);
            assertThat(done.failure().innerFailure().errorMessage()).contains("http.publicBaseUrl");
        }
    }

    @Test
    void anActivity_startsInstancesWithTheClientOfItsTaskHub() {
        try (Taskhub taskhub = Taskhub.builder().settings(sqlite()).plugin(GREETINGS).plugin(LINKS).start()) {
            String id = taskhub.client().startNew(StartInstanceRequest.of("StartsAnother", null));
            taskhub.client().waitForCompletion(id, Duration.ofSeconds(60)).orElseThrow();

            InstanceMetadata child = taskhub.client().waitForCompletion(id + "-started", Duration.ofSeconds(60))
                    .orElseThrow();
            assertThat(child.output()).isEqualTo("\"CHILD!\"");
        }
    }

    @Test
    void withoutHttpEnabled_nothingIsServed_untilStartHttpIsCalled() {
        try (Taskhub taskhub = Taskhub.builder().settings(sqlite()).setting("http.port", "0").start()) {
            assertThatThrownBy(taskhub::httpBaseUrl).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("startHttp()");
            assertThat(taskhub.startHttp().httpBaseUrl()).startsWith("http://127.0.0.1:");
        }
    }

    @Test
    void grpcPort_servesTheDurableTaskProtocol_andAnInvalidOneStopsTheStart() throws Exception {
        try (Taskhub taskhub = Taskhub.builder().settings(sqlite()).setting("grpc.port", "0").plugin(GREETINGS)
                .start()) {
            assertThat(taskhub.grpcPort()).isPositive();
            try (java.net.Socket connected = new java.net.Socket("127.0.0.1", taskhub.grpcPort())) {
                assertThat(connected.isConnected()).isTrue();
            }
            // The worker announces that it takes any name, for the protocol's workers.
            assertThat(taskhub.client().liveWorkers()).singleElement()
                    .satisfies(w -> assertThat(w.runsAnyName()).isTrue());
        }
        assertThatThrownBy(() -> Taskhub.builder().settings(sqlite()).setting("grpc.port", "fourthousand").start())
                .isInstanceOf(io.taskhub.runtime.config.ConfigurationException.class)
                .hasMessageContaining("grpc.port").hasMessageContaining("fourthousand");
    }

    @Test
    void anUnknownOrInvalidSetting_stopsTheStart_namingIt() {
        assertThatThrownBy(() -> Taskhub.builder().setting("bakend", "sqlite").start())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("Unknown setting 'bakend'");
        assertThatThrownBy(() -> Taskhub.builder().settings(sqlite()).setting("worker.poisonLimit", "many").start())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("worker.poisonLimit");
        assertThatThrownBy(() -> Taskhub.builder().setting("backend", "mongodb").start())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("mongodb");
    }

    @Test
    void aNameRegisteredTwice_stopsTheStart_namingBothSources() {
        TaskhubPlugin again = registry -> registry.addOrchestrator("greet", ctx -> "shadow");

        assertThatThrownBy(() -> Taskhub.builder().settings(sqlite()).plugin(GREETINGS).plugin(again).start())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("orchestrator 'greet' is registered twice")
                .hasMessageContaining("first by the application").hasMessageContaining("again by the application");
    }

    @Test
    void closeStopsTheWorker_andAnotherTaskhubOnTheSameFileFinishesWhatWasLeft() {
        String id;
        // A short lease: work the first one held when it stopped is taken over soon after.
        try (Taskhub first = Taskhub.builder().settings(sqlite()).setting("worker.leaseSeconds", "2")
                .plugin(GREETINGS).start()) {
            id = first.client().startNew(StartInstanceRequest.of("Greet", "\"later\""));
        }
        try (Taskhub second = Taskhub.builder().settings(sqlite()).setting("worker.leaseSeconds", "2")
                .plugin(GREETINGS).start()) {
            InstanceMetadata done = second.client().waitForCompletion(id, Duration.ofSeconds(60)).orElseThrow();
            assertThat(done.output()).isEqualTo("\"LATER!\"");
        }
    }
}
