package io.taskhub.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.client.StatusOptions;
import io.taskhub.ports.history.ExecutionCompleted;
import io.taskhub.ports.history.ExecutionResumed;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.ExecutionSuspended;
import io.taskhub.ports.history.ExecutionTerminated;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.rules.InstanceIds;
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
 * Suspended, ContinuedAsNew, terminal), over real HTTP. A refusal changes nothing stored; an accepted request
 * has its effect on what is stored (the status it leads to, the event in the history, or, for an instance
 * whose next execution has not started yet, the message waiting for it).
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
        if (expected == 202) {
            assertStoredEffect(operation, target);
        }
        if (!target.hub.equals(hub)) {
            clients.forTaskHub(target.hub).deleteTaskHub();
        }
    }

    private void assertStoredEffect(String operation, Target target) {
        switch (operation) {
            case "terminate" -> {
                if (!target.hub.equals(hub)) {
                    startWorker(target.hub); // the instance's hub had none: the message waited for one
                }
                await(target, RuntimeStatus.Terminated);
                assertThat(target.history()).filteredOn(ExecutionTerminated.class::isInstance)
                        .extracting(e -> ((ExecutionTerminated) e).reason()).containsExactly("table");
            }
            case "suspend" -> {
                if (target.hub.equals(hub)) {
                    await(target, RuntimeStatus.Suspended);
                    assertThat(target.history()).filteredOn(ExecutionSuspended.class::isInstance).hasSize(1);
                } else {
                    // Not started yet (a scheduled start, or the next execution after continue-as-new): the
                    // suspension is stored and waits for the start.
                    assertThat(target.waitingMessages()).anyMatch(ExecutionSuspended.class::isInstance);
                }
            }
            case "resume" -> {
                await(target, RuntimeStatus.Running);
                assertThat(target.history()).filteredOn(ExecutionResumed.class::isInstance).hasSize(1);
            }
            case "rewind" -> {
                // RewindDemo fails once, then completes once rewound
                await(target, RuntimeStatus.Completed);
                assertThat(target.metadata().output()).isEqualTo("\"Recovered\"");
                // The history was rewritten: the failure that ended the first run is gone, one completion remains.
                assertThat(target.history()).filteredOn(ExecutionCompleted.class::isInstance)
                        .extracting(e -> ((ExecutionCompleted) e).status()).containsExactly(RuntimeStatus.Completed);
            }
            default -> throw new IllegalArgumentException(operation);
        }
    }

    private void await(Target target, RuntimeStatus status) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> target.metadata().runtimeStatus() == status);
    }

    private record Target(HttpApiTestBase test, String hub, String id) {
        InstanceMetadata metadata() {
            return test.clients.forTaskHub(hub).getStatus(id, StatusOptions.DEFAULT).map(s -> s.metadata())
                    .orElse(null);
        }

        List<HistoryEvent> history() {
            return test.clients.forTaskHub(hub).getStatus(id, StatusOptions.WITH_HISTORY).orElseThrow().history();
        }

        /** The messages stored for the instance and visible now, read by a claim in its worker-less hub. */
        List<HistoryEvent> waitingMessages() {
            OrchestrationStore store = test.backend.taskHub(hub);
            OrchestrationWorkItem item = store.claimOrchestrationWorkItem("lifecycle-test", Duration.ofSeconds(30),
                    100).orElseThrow();
            store.abandonOrchestrationWorkItem(item, Duration.ZERO);
            assertThat(item.instanceId()).isEqualTo(id);
            return item.messages().stream().map(InstanceMessage::event).toList();
        }
    }

    private Target instanceIn(String status) {
        return switch (status) {
            case "Missing" -> new Target(this, hub, "missing-" + InstanceIds.newId());
            case "Pending" -> scheduled();
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

    /** Pending until its start in an hour, in a task hub of its own with no worker (yet). */
    private Target scheduled() {
        String idleHub = hub + "idle";
        String id = http.post(base() + WEBHOOK + "/orchestrators/E1_HelloSequence?taskHub=" + idleHub + "&startAt="
                + Instant.now().plus(1, ChronoUnit.HOURS)).json().get("id").asText();
        return new Target(this, idleHub, id);
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
