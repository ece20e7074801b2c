package io.taskhub.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.orchestration.TaskhubPlugin;
import io.taskhub.postgres.PostgresSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics of a running Taskhub, as an operator scrapes them: Prometheus text at {@code GET /taskhub/v1/metrics},
 * behind the API keys, with the engine's, the HTTP API's, the JVM's and (on PostgreSQL) the connection pool's
 * meters under their documented names; and the registry an embedding application adds its own registry to.
 */
class MetricsEndpointTest {
    private static final TaskhubPlugin GREETINGS = registry -> registry
            .addActivity("Greet", ctx -> "Hello " + ctx.getInput(String.class) + "!")
            .addOrchestrator("Greetings", ctx -> ctx.callActivity("Greet", "Tokyo", String.class).await());

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(String url, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (key != null) {
            request.header("x-functions-key", key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> served(Map<String, String> backend) {
        Map<String, String> settings = new HashMap<>(backend);
        settings.put("http.enabled", "true");
        settings.put("http.port", "0");
        settings.put("http.apiKeys", "metrics-key");
        return settings;
    }

    @Test
    void sqlite_servesTheEngineHttpAndJvmMeters_behindTheKeys() throws Exception {
        Map<String, String> settings = served(Map.of("backend", "sqlite", "sqlite.file",
                dir.resolve("metrics.db").toString(), "taskhub", "Orders"));
        try (Taskhub taskhub = Taskhub.builder().settings(settings).plugin(GREETINGS).start()) {
            SimpleMeterRegistry own = new SimpleMeterRegistry();
            taskhub.meterRegistry().add(own);
            String id = taskhub.client().startNew(StartInstanceRequest.of("Greetings", null));
            taskhub.client().waitForCompletion(id, Duration.ofSeconds(30)).orElseThrow();
            String metrics = taskhub.httpBaseUrl() + "/taskhub/v1/metrics";
            get(taskhub.httpBaseUrl() + "/taskhub/v1/instances/" + id, "metrics-key"); // one request to count

            assertThat(get(metrics, null).statusCode()).as("without a key").isEqualTo(401);
            HttpResponse<String> scraped = get(metrics, "metrics-key");

            assertThat(scraped.statusCode()).isEqualTo(200);
            assertThat(scraped.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
            assertThat(scraped.body())
                    // The engine's meters name the deployment's task hub; the HTTP API's serve any hub.
                    .contains("taskhub_instances_started_total{name=\"Greetings\",taskhub=\"Orders\"} 1.0")
                    .contains("taskhub_instances_finished_total{name=\"Greetings\",status=\"Completed\","
                            + "taskhub=\"Orders\"} 1.0")
                    .containsPattern("taskhub_orchestration_step_seconds_bucket\\{taskhub=\"Orders\",le=\"[^\"]+\"}")
                    .contains("taskhub_activity_seconds_count{name=\"Greet\",taskhub=\"Orders\"} 1")
                    .contains("taskhub_start_to_finish_seconds_count{name=\"Greetings\",taskhub=\"Orders\"} 1")
                    .contains("taskhub_lease_lost_total{taskhub=\"Orders\"} 0.0")
                    .contains("taskhub_step_retries_total{taskhub=\"Orders\"} 0.0")
                    .contains("taskhub_messages_dropped_total{taskhub=\"Orders\"} 0.0")
                    .containsPattern("taskhub_http_requests_seconds_count\\{method=\"GET\","
                            + "route=\"/taskhub/v1/instances/\\{instanceId}\",status=\"200\"} 1")
                    .contains("jvm_memory_used_bytes");
            assertThat(own.find("taskhub.instances.started").counter()).as("the application's own registry")
                    .isNotNull();
            assertThat(own.find("taskhub.instances.started").counter().count()).isEqualTo(1.0);
        }
    }

    @Test
    void workThatNoLiveWorkerRuns_showsInTheBacklogGauges() throws Exception {
        Path file = dir.resolve("backlog.db");
        Map<String, String> settings = served(Map.of("backend", "sqlite", "sqlite.file", file.toString()));
        try (Taskhub taskhub = Taskhub.builder().settings(settings).plugin(GREETINGS).start()) {
            // An instance of an orchestrator nobody runs, started by another process on the same file (this
            // server's client would refuse it).
            try (var other = new io.taskhub.sqlite.SqliteStorageBackend(io.taskhub.sqlite.SqliteConfig.at(file))) {
                other.taskHub(taskhub.client().taskHub()).createInstance("orphan-1",
                        new io.taskhub.ports.history.ExecutionStarted(java.time.Instant.now(), "Orphan", null, null,
                                "e1", null, null, java.util.Map.of()), java.util.Set.of());
            }
            String metrics = taskhub.httpBaseUrl() + "/taskhub/v1/metrics";

            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> get(metrics, "metrics-key")
                    .body().contains("taskhub_work_without_worker{kind=\"orchestration\",name=\"Orphan\","
                            + "taskhub=\"TaskHub\"} 1.0"));
            String body = get(metrics, "metrics-key").body();
            assertThat(body)
                    .containsPattern("taskhub_backlog_messages\\{queue=\"orchestrations\",taskhub=\"TaskHub\"} [1-9]")
                    .contains("taskhub_backlog_messages{queue=\"activities\",taskhub=\"TaskHub\"} 0.0")
                    .contains("taskhub_backlog_oldest_seconds{queue=\"orchestrations\",taskhub=\"TaskHub\"}");
        }
    }

    @Test
    void postgres_alsoServesTheConnectionPoolsMeters() throws Exception {
        try (PostgresSchema schema = PostgresSchema.create()) {
            var config = schema.config();
            Map<String, String> settings = served(Map.of("backend", "postgres", "postgres.url", config.jdbcUrl(),
                    "postgres.user", config.user() == null ? "" : config.user(), "postgres.password",
                    config.password() == null ? "" : config.password(), "postgres.schema", config.schema()));
            try (Taskhub taskhub = Taskhub.builder().settings(settings).plugin(GREETINGS).start()) {
                String body = get(taskhub.httpBaseUrl() + "/taskhub/v1/metrics", "metrics-key").body();
                assertThat(body).contains("hikaricp_connections_active").contains("taskhub_lease_lost_total");
            }
        }
    }
}
