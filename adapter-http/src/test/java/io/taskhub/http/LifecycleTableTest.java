package io.taskhub.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.client.StatusOptions;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.model.InstanceIds;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.Checkpoint;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.OrchestrationWorkItem;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every cell of HTTP-API.md's lifecycle table (terminate, suspend, resume, rewind × missing, Pending, Running,
 * Suspended, ContinuedAsNew, terminal), over real HTTP. A refusal changes nothing stored.
 */
class LifecycleTableTest extends HttpApiTestBase {

    @ParameterizedTest(name = "{0} of a {1} instance answers {2}")
    @CsvSource({
        "terminate, Missing, 404", "terminate, Pending, 202", "terminate, Running, 202",
        "terminate, Suspended, 202", "terminate, ContinuedAsNew, 202", "terminate, Completed, 410",
        "terminate, Failed, 410", "terminate, Terminated, 410",
        "suspend, Missing, 404", "suspend, Pending, 202", "suspend, Running, 202", "suspend, Suspended, 409",
        "suspend, ContinuedAsNew, 202", "suspend, Completed, 410", "suspend, Failed, 410",
        "suspend, Terminated, 410",
        "resume, Missing, 404", "resume, Pending, 409", "resume, Running, 409", "resume, Suspended, 202",
        "resume, ContinuedAsNew, 409", "resume, Completed, 410", "resume, Failed, 410",
        "resume, Terminated, 410",
        "rewind, Missing, 404", "rewind, Pending, 412", "rewind, Running, 412", "rewind, Suspended, 412",
        "rewind, ContinuedAsNew, 412", "rewind, Completed, 412", "rewind, Failed, 202",
        "rewind, Terminated, 412",
    })
    void operation_inStatus_answersAsTheTableSays(String operation, String status, int expected) {
        Target target = instanceIn(status);
        InstanceMetadata before = target.metadata();

        Http.Reply reply = http.post(base() + WEBHOOK + "/instances/" + enc(target.id) + "/" + operation
                + "?reason=table&taskHub=" + target.hub);

        assertThat(reply.status()).isEqualTo(expected);
        switch (expected) {
            case 202, 404, 410, 412 -> assertThat(reply.body()).isEmpty();
            default -> assertThat(reply.json().get("Message").asText()).contains(before.runtimeStatus().name());
        }
        if (expected != 202 && before != null) {
            InstanceMetadata after = target.metadata();
            assertThat(after.runtimeStatus()).isEqualTo(before.runtimeStatus());
            assertThat(after.revision()).isEqualTo(before.revision());
        }
        if (!target.hub.equals(hub)) {
            clients.forTaskHub(target.hub).deleteTaskHub();
        }
    }

    private record Target(HttpApiTestBase test, String hub, String id) {
        InstanceMetadata metadata() {
            return test.clients.forTaskHub(hub).getStatus(id, StatusOptions.DEFAULT).map(s -> s.metadata())
                    .orElse(null);
        }
    }

    private Target instanceIn(String status) {
        return switch (status) {
            case "Missing" -> new Target(this, hub, "missing-" + InstanceIds.newId());
            case "Pending" -> new Target(this, hub, http.post(api("/orchestrators/E1_HelloSequence?startAt="
                    + Instant.now().plus(1, ChronoUnit.HOURS))).json().get("id").asText());
            case "Running" -> new Target(this, hub, running());
            case "Suspended" -> {
                String id = running();
                http.post(api("/instances/" + id + "/suspend"));
                awaitStatus(id, RuntimeStatus.Suspended);
                yield new Target(this, hub, id);
            }
            case "ContinuedAsNew" -> continuedAsNew();
            case "Completed" -> finished("E1_HelloSequence", RuntimeStatus.Completed);
            case "Failed" -> finished("RewindDemo", RuntimeStatus.Failed);
            case "Terminated" -> {
                String id = running();
                http.post(api("/instances/" + id + "/terminate"));
                awaitStatus(id, RuntimeStatus.Terminated);
                yield new Target(this, hub, id);
            }
            default -> throw new IllegalArgumentException(status);
        };
    }

    private Target finished(String name, RuntimeStatus status) {
        String id = start(name, null);
        awaitStatus(id, status);
        return new Target(this, hub, id);
    }

    /**
     * ContinuedAsNew lasts only until a worker picks up the next execution's start, so it is made to last: in a
     * task hub without a worker, the test itself checkpoints a step that continues as new, with the next start
     * due in an hour.
     */
    private Target continuedAsNew() {
        String canHub = hub + "can";
        OrchestrationStore store = backend.taskHub(canHub);
        store.createTaskHubIfNotExists();
        String id = clients.forTaskHub(canHub).startNew(StartInstanceRequest.of("Monitor", "{\"intervalSeconds\":60}"));
        OrchestrationWorkItem item = store.claimOrchestrationWorkItem("lifecycle-test", Duration.ofSeconds(30), 10)
                .orElseThrow();
        String execution = InstanceIds.newId();
        ExecutionStarted next = new ExecutionStarted(Instant.now(), "Monitor", null,
                "{\"intervalSeconds\":60,\"round\":1}", execution, null, null, null);
        InstanceMetadata row = item.instance().toBuilder().runtimeStatus(RuntimeStatus.ContinuedAsNew)
                .executionId(execution).build();
        store.completeOrchestrationWorkItem(item, new Checkpoint(row, List.of(), true, List.of(),
                List.of(new InstanceMessage(id, execution, next, Instant.now().plus(1, ChronoUnit.HOURS)))));
        Target target = new Target(this, canHub, id);
        assertThat(target.metadata().runtimeStatus()).isEqualTo(RuntimeStatus.ContinuedAsNew);
        return target;
    }
}
