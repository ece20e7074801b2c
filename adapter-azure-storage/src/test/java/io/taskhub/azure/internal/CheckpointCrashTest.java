package io.taskhub.azure.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskhub.azure.testing.AzureTestBackends;
import io.taskhub.ports.history.EventRaised;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.history.OrchestratorCompleted;
import io.taskhub.ports.history.OrchestratorStarted;
import io.taskhub.ports.history.TaskCompleted;
import io.taskhub.ports.history.TaskScheduled;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.ActivityTask;
import io.taskhub.ports.store.ActivityWorkItem;
import io.taskhub.ports.store.Checkpoint;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.NameFilter;
import io.taskhub.ports.store.OrchestrationWorkItem;
import io.taskhub.ports.store.TaskHandOff;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A worker that dies in the middle of a checkpoint loses nothing and commits no step twice: the step is redone
 * from the messages that come back, copies of what the first attempt sent are dropped by their ids, and an
 * instance row whose write was lost is repaired from the history sentinel.
 */
class CheckpointCrashTest {
    private static final Duration SHORT = Duration.ofSeconds(1);
    private static final Duration LONG = Duration.ofMinutes(10);

    private AzureOrchestrationStore store;
    private String main;
    private String other;
    private ExecutionStarted started;

    @BeforeEach
    void createInstances() {
        store = (AzureOrchestrationStore) AzureTestBackends.shared()
                .taskHub("c" + UUID.randomUUID().toString().replace("-", "").substring(0, 20));
        store.createTaskHubIfNotExists();
        main = "main-" + UUID.randomUUID();
        do {
            other = "other-" + UUID.randomUUID(); // in another control queue than main, so that queue is main's
        } while (PartitionHash.partitionOf(other, 4) == PartitionHash.partitionOf(main, 4));
        store.createInstance(other, start("Other"), Set.of());
        OrchestrationWorkItem otherStart = claim(LONG);
        store.completeOrchestrationWorkItem(otherStart, Checkpoint.consumeOnly());
        started = start("Main");
        store.createInstance(main, started, Set.of());
    }

    @AfterEach
    void deleteTaskHub() {
        store.crashPoint(null);
        store.deleteTaskHub();
    }

    @ParameterizedTest(name = "crash after the {0}")
    @ValueSource(strings = {"outbox", "history", "row"})
    void aStepInterruptedByACrash_isRedoneOnce_andItsMessagesAreDeliveredOnce(String crashAfter) {
        OrchestrationWorkItem first = claim(SHORT);
        store.crashPoint(step -> {
            if (step.equals(crashAfter)) {
                throw new IllegalStateException("simulated crash after the " + step);
            }
        });
        assertThatThrownBy(() -> store.completeOrchestrationWorkItem(first, step(first)))
                .hasMessageContaining("simulated crash");
        store.crashPoint(null);

        // The messages come back once the lease (the visibility timeout) runs out.
        Optional<OrchestrationWorkItem> again = Awaitility.await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(200))
                .until(this::claimOrNothingAfterRepair, result -> result != null);
        if (crashAfter.equals("outbox")) {
            assertThat(again).as("nothing was committed: the step is redone").isPresent();
            assertThat(again.get().dequeueCount()).isEqualTo(2);
            store.completeOrchestrationWorkItem(again.get(), step(again.get()));
        } else {
            assertThat(again).as("the step was committed: its messages are recognised and dropped").isEmpty();
        }

        InstanceMetadata row = store.getInstance(main).orElseThrow();
        assertThat(row.runtimeStatus()).isEqualTo(RuntimeStatus.Running);
        assertThat(row.customStatus()).isEqualTo("\"step 1\"");
        assertThat(store.getHistory(main)).filteredOn(TaskScheduled.class::isInstance).hasSize(1);
        assertThat(store.getHistory(main)).filteredOn(ExecutionStarted.class::isInstance).hasSize(1);
        assertThat(eventsDelivered(other)).as("the event sent by the step arrives once")
                .extracting(e -> ((EventRaised) e).name()).containsExactly("hello");
        // The activity may run twice (the first attempt's task and the redo's), its result arrives once.
        List<ActivityWorkItem> tasks = new ArrayList<>();
        Optional<ActivityWorkItem> task;
        while ((task = store.claimActivityWorkItem("worker", LONG)).isPresent()) {
            tasks.add(task.get());
        }
        assertThat(tasks).isNotEmpty().allSatisfy(t -> assertThat(t.task().taskId()).isZero());
        for (ActivityWorkItem t : tasks) {
            store.completeActivityWorkItem(t, InstanceMessage.of(main, new TaskCompleted(now(), 0, "\"done\"")));
        }
        assertThat(eventsDelivered(main)).filteredOn(TaskCompleted.class::isInstance).hasSize(1);
    }

    /**
     * A commit that fails after its outbox went out (here: its history write) hands nothing to its worker: the task
     * it sent held for that worker is visible again at once, as a first attempt, for any worker to run.
     */
    @Test
    void aCommitThatFailsAfterHandingOffATask_givesTheTaskBackAtOnce_asAFirstAttempt() {
        OrchestrationWorkItem first = claim(LONG);
        store.crashPoint(step -> {
            if (step.equals("outbox")) {
                throw new IllegalStateException("simulated failure after the outbox");
            }
        });

        assertThatThrownBy(() -> store.completeOrchestrationWorkItem(first, step(first),
                new TaskHandOff("worker", LONG, 1, NameFilter.ANY))).hasMessageContaining("simulated failure");
        store.crashPoint(null);

        ActivityWorkItem task = Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> store.claimActivityWorkItem("other-worker", LONG), Optional::isPresent).get();
        assertThat(task.task().taskId()).isZero();
        assertThat(task.dequeueCount()).as("the hand-off never ran").isEqualTo(1);
    }

    /** One claim attempt: the item, empty when the claim found and dropped only copies, or null meanwhile. */
    private Optional<OrchestrationWorkItem> claimOrNothingAfterRepair() {
        Optional<OrchestrationWorkItem> item = store.claimOrchestrationWorkItem("worker", LONG, 100);
        if (item.isPresent() && item.get().instanceId().equals(main)) {
            return item;
        }
        item.ifPresent(notMain -> store.abandonOrchestrationWorkItem(notMain, Duration.ZERO));
        // Nothing claimed for main: its messages are still invisible, or they came back and were dropped.
        boolean committed = store.getInstance(main).map(m -> m.runtimeStatus() == RuntimeStatus.Running)
                .orElse(false);
        return committed && store.hubClients().controlQueueOf(main).getProperties().getApproximateMessagesCount() == 0
                ? Optional.empty() : null;
    }

    /**
     * Every message delivered to the instance until its control queue holds none at all (visible or not): the
     * test has no senders left by then, so the list is complete, and a copy that was not recognised would be
     * in it. Copies the claim recognises are dropped there and never delivered.
     */
    private List<HistoryEvent> eventsDelivered(String instanceId) {
        List<HistoryEvent> events = new ArrayList<>();
        Awaitility.await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100)).until(() -> {
            Optional<OrchestrationWorkItem> item = store.claimOrchestrationWorkItem("worker", LONG, 100);
            if (item.isPresent() && item.get().instanceId().equals(instanceId)) {
                item.get().messages().forEach(m -> events.add(m.event()));
                store.completeOrchestrationWorkItem(item.get(), Checkpoint.consumeOnly());
            } else {
                item.ifPresent(notThis -> store.abandonOrchestrationWorkItem(notThis, Duration.ZERO));
            }
            return item.isEmpty()
                    && store.hubClients().controlQueueOf(instanceId).getProperties().getApproximateMessagesCount() == 0;
        });
        return events;
    }

    private OrchestrationWorkItem claim(Duration lease) {
        return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> store.claimOrchestrationWorkItem("worker", lease, 100), Optional::isPresent).get();
    }

    /** A step that schedules an activity, sends an event to the other instance and updates the row. */
    private Checkpoint step(OrchestrationWorkItem item) {
        Instant at = now();
        List<HistoryEvent> history = List.of(new OrchestratorStarted(at), started,
                new TaskScheduled(at, 0, "Work", "1"), new OrchestratorCompleted(at));
        return new Checkpoint(item.instance().toBuilder().runtimeStatus(RuntimeStatus.Running)
                .customStatus("\"step 1\"").lastUpdatedAt(at).build(), history, false,
                List.of(new ActivityTask(main, started.executionId(), 0, "Work", "1")),
                List.of(InstanceMessage.of(other, new EventRaised(at, "hello", "1"))));
    }

    private static ExecutionStarted start(String name) {
        return new ExecutionStarted(now(), name, null, null, UUID.randomUUID().toString().replace("-", ""), null,
                null, Map.of());
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
