package io.taskhub.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskhub.core.client.DefaultTaskhubClients;
import io.taskhub.core.registry.OrchestrationRegistry;
import io.taskhub.core.worker.TaskhubWorker;
import io.taskhub.ports.query.InstanceQuery;
import io.taskhub.ports.store.StorageBackend;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A server that lists the task hubs it serves refuses every other hub with 404 (a start there would wait for
 * ever), matches names case-insensitively, and reports each hub as it was listed, on every backend.
 */
class ServedTaskHubsTest {
    private final Http http = new Http();

    static Stream<TestBackends.Kind> backends() {
        return Stream.of(TestBackends.Kind.values());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void otherHubs_are404_andListedHubsMatchInAnyCase_reportedAsListed(TestBackends.Kind kind) {
        OrchestrationRegistry registry = OrchestrationRegistry.fromClassPath(getClass().getClassLoader());
        // Names of this run's own: backends that keep data between runs (Azurite) start from nothing.
        String suffix = Long.toString(System.nanoTime() % 1_000_000_000L, 36).replaceAll("[0-9]", "x");
        String main = "MainHub" + suffix;
        String listed = "HubA" + suffix;
        String other = "Elsewhere" + suffix;
        TestBackends.Opened opened = kind.open();
        try {
            StorageBackend backend = opened.backend();
            var clients = DefaultTaskhubClients.servingOnly(backend, registry, main, List.of(listed));
            TaskhubWorker worker = new TaskhubWorker(backend.taskHub(listed), registry,
                    HttpApiTestBase.workerOptions()).start();
            try (TaskhubHttpServer server = new TaskhubHttpServer(HttpConfig.defaults().withPort(0), clients).start()) {
                String api = server.localBaseUrl() + HttpApiTestBase.WEBHOOK;

                Http.Reply started = http.post(api + "/orchestrators/E1_HelloSequence?taskHub="
                        + listed.toLowerCase(java.util.Locale.ROOT));
                assertThat(started.status()).isEqualTo(202);
                assertThat(started.json().get("statusQueryGetUri").asText()).contains("taskHub=" + listed);
                String id = started.json().get("id").asText();
                await().atMost(Duration.ofSeconds(30)).until(() -> http.get(api + "/instances/" + id
                        + "?taskHub=" + listed.toUpperCase(java.util.Locale.ROOT)).json().path("runtimeStatus").asText().equals("Completed"));

                Http.Reply refused = http.post(api + "/orchestrators/E1_HelloSequence?taskHub=" + other);
                assertThat(refused.status()).isEqualTo(404);
                assertThat(refused.json().get("Message").asText()).contains("'" + other + "' is not served")
                        .contains(main + ", " + listed);
                assertThat(http.get(api + "/instances?taskHub=" + other).status()).isEqualTo(404);
                assertThat(backend.taskHub(other).queryInstances(InstanceQuery.all()).instances()).isEmpty();
                assertRunsHubsOfLiveWorkers(kind, backend, registry, api, suffix);
            } finally {
                worker.stop(Duration.ofSeconds(5));
                backend.taskHub(listed).deleteTaskHub();
            }
        } finally {
            opened.release().run();
        }
    }

    /**
     * A hub that is not listed but has a live worker is served too, reported as its worker spells it, and refused
     * again once that worker stops (where the backend can list the hubs of live workers: not Azure Storage).
     */
    private void assertRunsHubsOfLiveWorkers(TestBackends.Kind kind, StorageBackend backend,
            OrchestrationRegistry registry, String api, String suffix) {
        String unlisted = "WorkerOnly" + suffix;
        String asked = "/orchestrators/E1_HelloSequence?taskHub=" + unlisted.toLowerCase(java.util.Locale.ROOT);
        if (kind == TestBackends.Kind.AZURE_STORAGE) {
            assertThat(backend.liveTaskHubs()).isEmpty();
            return;
        }
        TaskhubWorker worker = new TaskhubWorker(backend.taskHub(unlisted), registry,
                HttpApiTestBase.workerOptions()).start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> http.post(api + asked).status() == 202);
            Http.Reply started = http.post(api + asked);
            assertThat(started.json().get("statusQueryGetUri").asText()).contains("taskHub=" + unlisted);
            String id = started.json().get("id").asText();
            await().atMost(Duration.ofSeconds(30)).until(() -> http.get(api + "/instances/" + id + "?taskHub="
                    + unlisted).json().path("runtimeStatus").asText().equals("Completed"));
        } finally {
            worker.stop(Duration.ofSeconds(5));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> http.post(api + asked).status() == 404);
        backend.taskHub(unlisted).deleteTaskHub();
    }
}
