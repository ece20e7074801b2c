package io.taskhub.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.core.client.DefaultTaskhubClient;
import io.taskhub.core.memory.InMemoryStorageBackend;
import io.taskhub.core.registry.OrchestrationRegistry;
import io.taskhub.core.worker.TaskhubWorker;
import io.taskhub.core.worker.WorkerOptions;
import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.client.StatusOptions;
import io.taskhub.ports.client.TaskhubClient;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.OrchestrationStore;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The samples, discovered as a plugin and run by the real engine on the in-memory store. */
class SamplesTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private InMemoryStorageBackend backend;
    private TaskhubWorker worker;
    private TaskhubClient client;

    @BeforeEach
    void startEngine() {
        backend = new InMemoryStorageBackend();
        OrchestrationStore store = backend.taskHub("samples");
        OrchestrationRegistry registry = OrchestrationRegistry.fromClassPath(getClass().getClassLoader());
        worker = new TaskhubWorker(store, registry, WorkerOptions.defaults().withConcurrency(2, 4)).start();
        client = new DefaultTaskhubClient(store, registry);
    }

    @AfterEach
    void stopEngine() {
        worker.stop(Duration.ofSeconds(5));
        backend.close();
    }

    @Test
    void pluginIsDiscoveredOnTheClassPath_withEverySample() {
        OrchestrationRegistry registry = OrchestrationRegistry.fromClassPath(getClass().getClassLoader());
        assertThat(registry.orchestratorNames()).contains(HelloSequence.NAME, FanOutFanIn.NAME, Approval.NAME,
                Monitor.NAME, RewindDemo.NAME, ParentWithChild.NAME, SendInstanceInfo.NAME);
    }

    @Test
    void helloSequence_greetsThreeCitiesInOrder() {
        String id = client.startNew(StartInstanceRequest.of("E1_HelloSequence", null));
        assertThat(finished(id).output()).isEqualTo("[\"Hello Tokyo!\",\"Hello Seattle!\",\"Hello London!\"]");
    }

    @Test
    void fanOutFanIn_sumsZeroToNMinusOne() {
        String id = client.startNew(StartInstanceRequest.of("FanOutFanIn", "{\"count\": 10}"));
        assertThat(finished(id).output()).isEqualTo("45");
    }

    @Test
    void approval_returnsTheEventPayload_andShowsWaitingMeanwhile() {
        String id = client.startNew(StartInstanceRequest.of("Approval", "{\"timeoutSeconds\": 300}"));
        Awaitility.await().atMost(WAIT).until(() -> "\"Waiting\"".equals(metadata(id).customStatus()));
        client.raiseEvent(id, "ApprovalEvent", "{\"approved\":true,\"by\":\"Ana\"}");
        assertThat(finished(id).output()).isEqualTo("{\"approved\":true,\"by\":\"Ana\"}");
    }

    @Test
    void approval_timesOutWhenNobodyAnswers() {
        String id = client.startNew(StartInstanceRequest.of("Approval", "{\"timeoutSeconds\": 1}"));
        assertThat(finished(id).output()).isEqualTo("\"TimedOut\"");
    }

    @Test
    void monitor_countsRoundsAcrossContinueAsNew() {
        String id = client.startNew(StartInstanceRequest.of("Monitor", "{\"intervalSeconds\": 1}"));
        Awaitility.await().atMost(WAIT).until(() -> "{\"round\":2}".equals(metadata(id).customStatus()));
        client.terminate(id, "seen enough", true);
        assertThat(finished(id).runtimeStatus()).isEqualTo(RuntimeStatus.Terminated);
    }

    @Test
    void rewindDemo_failsFirst_thenCompletesAfterARewind_withoutRerunningTheStep() {
        String id = client.startNew(StartInstanceRequest.of("RewindDemo", null));
        InstanceMetadata failed = finished(id);
        assertThat(failed.runtimeStatus()).isEqualTo(RuntimeStatus.Failed);
        client.rewind(id, "try again");
        Awaitility.await().atMost(WAIT).until(() -> metadata(id).runtimeStatus() == RuntimeStatus.Completed);
        assertThat(metadata(id).output()).isEqualTo("\"Recovered\"");
        assertThat(RewindDemo.stepRuns(id)).isEqualTo(1);
        assertThat(RewindDemo.flakyRuns(id)).isEqualTo(2);
    }

    @Test
    void parentWithChild_returnsTheChildsOutput_andTerminatesRecursively() {
        String id = client.startNew(StartInstanceRequest.of("ParentWithChild", "{\"timeoutSeconds\": 300}"));
        String child = id + ":child";
        Awaitility.await().atMost(WAIT).until(() -> client.getStatus(child, StatusOptions.DEFAULT).isPresent()
                && metadata(child).runtimeStatus() == RuntimeStatus.Running);
        client.raiseEvent(child, "ApprovalEvent", "\"yes\"");
        assertThat(finished(id).output()).isEqualTo("\"yes\"");

        String other = client.startNew(StartInstanceRequest.of("ParentWithChild", "{\"timeoutSeconds\": 300}"));
        Awaitility.await().atMost(WAIT).until(() -> client.getStatus(other + ":child", StatusOptions.DEFAULT)
                .map(s -> s.metadata().runtimeStatus() == RuntimeStatus.Running).orElse(false));
        client.terminate(other, "stop both", true);
        assertThat(finished(other).runtimeStatus()).isEqualTo(RuntimeStatus.Terminated);
        assertThat(finished(other + ":child").runtimeStatus()).isEqualTo(RuntimeStatus.Terminated);
    }

    private InstanceMetadata finished(String id) {
        InstanceMetadata done = client.waitForCompletion(id, WAIT).orElseThrow();
        assertThat(done.runtimeStatus().isTerminal()).as("%s finished", id).isTrue();
        return done;
    }

    private InstanceMetadata metadata(String id) {
        return client.getStatus(id, StatusOptions.DEFAULT).orElseThrow().metadata();
    }
}
