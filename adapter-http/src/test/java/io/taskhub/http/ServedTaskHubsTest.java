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
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A server that lists the task hubs it serves refuses every other hub with 404 (a start there would wait for
 * ever), matches names case-insensitively, and reports each hub as it was listed, on every backend.
 */
class ServedTaskHubsTest {
    private final Http http = new Http();

    static Stream<Arguments> backends() {
        return Stream.of(Arguments.of("memory", (Supplier<StorageBackend>) TestBackends::newBackend),
                Arguments.of("sqlite", (Supplier<StorageBackend>) TestBackends::sqlite));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void otherHubs_are404_andListedHubsMatchInAnyCase_reportedAsListed(String name, Supplier<StorageBackend> made) {
        OrchestrationRegistry registry = OrchestrationRegistry.fromClassPath(getClass().getClassLoader());
        try (StorageBackend backend = made.get()) {
            var clients = DefaultTaskhubClients.servingOnly(backend, registry, "MainHub", List.of("HubA"));
            TaskhubWorker worker = new TaskhubWorker(backend.taskHub("HubA"), registry,
                    HttpApiTestBase.workerOptions()).start();
            try (TaskhubHttpServer server = new TaskhubHttpServer(HttpConfig.defaults().withPort(0), clients).start()) {
                String api = server.localBaseUrl() + HttpApiTestBase.WEBHOOK;

                Http.Reply started = http.post(api + "/orchestrators/E1_HelloSequence?taskHub=huba");
                assertThat(started.status()).isEqualTo(202);
                assertThat(started.json().get("statusQueryGetUri").asText()).contains("taskHub=HubA");
                String id = started.json().get("id").asText();
                await().atMost(Duration.ofSeconds(30)).until(() -> http.get(api + "/instances/" + id
                        + "?taskHub=HUBA").json().path("runtimeStatus").asText().equals("Completed"));

                Http.Reply refused = http.post(api + "/orchestrators/E1_HelloSequence?taskHub=Elsewhere");
                assertThat(refused.status()).isEqualTo(404);
                assertThat(refused.json().get("Message").asText()).contains("'Elsewhere' is not served")
                        .contains("MainHub, HubA");
                assertThat(http.get(api + "/instances?taskHub=Elsewhere").status()).isEqualTo(404);
                assertThat(backend.taskHub("Elsewhere").queryInstances(InstanceQuery.all()).instances()).isEmpty();
            } finally {
                worker.stop(Duration.ofSeconds(5));
            }
        }
    }
}
