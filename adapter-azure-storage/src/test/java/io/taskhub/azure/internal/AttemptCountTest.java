package io.taskhub.azure.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.models.QueueMessageItem;
import io.taskhub.azure.testing.AzureTestBackends;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.history.OrchestratorCompleted;
import io.taskhub.ports.history.OrchestratorStarted;
import io.taskhub.ports.history.TaskScheduled;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.ActivityTask;
import io.taskhub.ports.store.ActivityWorkItem;
import io.taskhub.ports.store.Checkpoint;
import io.taskhub.ports.store.OrchestrationWorkItem;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Receipts that were never attempts do not count as attempts: a process that received a message and died (or
 * stalled) before starting its work made the queue's dequeue count grow, but the attempt recorded in the message
 * body by each delivery that started work is what counts. Here the dead receivers are raw receives of the
 * message that are never deleted; before the body carried the record, each of them counted as an attempt, and
 * work whose worker crashed a few times while other work waited was failed as poison that never ran.
 */
class AttemptCountTest {
    private static final Duration LEASE = Duration.ofMinutes(5);
    private static final Duration DEAD_RECEIVER_HOLDS = Duration.ofSeconds(1);

    private AzureOrchestrationStore store;
    private String instanceId;
    private ExecutionStarted started;

    @BeforeEach
    void createInstance() {
        store = (AzureOrchestrationStore) AzureTestBackends.shared()
                .taskHub("a" + UUID.randomUUID().toString().replace("-", "").substring(0, 20));
        store.createTaskHubIfNotExists();
        instanceId = "attempts-" + UUID.randomUUID();
        started = new ExecutionStarted(now(), "Attempts", null, null, UUID.randomUUID().toString().replace("-", ""),
                null, null, Map.of());
        store.createInstance(instanceId, started, Set.of());
    }

    @AfterEach
    void deleteTaskHub() {
        store.deleteTaskHub();
    }

    @Test
    void stepReceiptsOfDeadReceivers_countOnce_beforeTheFirstAttempt_andNotAtAllAfterARecordedOne() {
        QueueClient controlQueue = store.hubClients().controlQueueOf(instanceId);
        diesHolding(controlQueue, 3); // the first delivery never started: presumed run, once
        OrchestrationWorkItem second = claimStep();
        assertThat(second.dequeueCount()).isEqualTo(2);
        store.abandonOrchestrationWorkItem(second, Duration.ZERO);

        diesHolding(controlQueue, 3); // recorded: only real attempts count from here
        OrchestrationWorkItem third = claimStep();
        assertThat(third.dequeueCount()).isEqualTo(3);

        store.returnOrchestrationWorkItem(third); // given back unstarted: not an attempt
        OrchestrationWorkItem stillThird = claimStep();
        assertThat(stillThird.dequeueCount()).isEqualTo(3);
        store.abandonOrchestrationWorkItem(stillThird, Duration.ZERO);
        assertThat(claimStep().dequeueCount()).isEqualTo(4);
    }

    @Test
    void activityReceiptsOfDeadReceivers_areNotAttempts_onceAnAttemptIsRecorded() {
        OrchestrationWorkItem step = claimStep();
        assertThat(step.dequeueCount()).isEqualTo(1);
        store.completeOrchestrationWorkItem(step, schedulesWork(step));

        ActivityWorkItem first = claimActivity();
        assertThat(first.dequeueCount()).isEqualTo(1);
        store.abandonActivityWorkItem(first, Duration.ZERO);
        ActivityWorkItem second = claimActivity();
        assertThat(second.dequeueCount()).isEqualTo(2);
        store.abandonActivityWorkItem(second, Duration.ZERO);

        diesHolding(store.hubClients().workItems(), 3);
        ActivityWorkItem third = claimActivity();
        assertThat(third.dequeueCount()).isEqualTo(3);

        store.returnActivityWorkItem(third);
        ActivityWorkItem stillThird = claimActivity();
        assertThat(stillThird.dequeueCount()).isEqualTo(3);
        store.abandonActivityWorkItem(stillThird, Duration.ZERO);
        assertThat(claimActivity().dequeueCount()).isEqualTo(4);
    }

    /** {@code times} receivers each take the queue's one message and die with it: it comes back by itself. */
    private static void diesHolding(QueueClient queue, int times) {
        for (int i = 0; i < times; i++) {
            QueueMessageItem taken = Awaitility.await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> firstOrNull(queue.receiveMessages(1, DEAD_RECEIVER_HOLDS, null, null)),
                            m -> m != null);
            assertThat(taken.getDequeueCount()).isGreaterThan(0);
        }
    }

    private static QueueMessageItem firstOrNull(Iterable<QueueMessageItem> received) {
        for (QueueMessageItem item : received) {
            return item;
        }
        return null;
    }

    private OrchestrationWorkItem claimStep() {
        return awaitPresent(() -> store.claimOrchestrationWorkItem("worker", LEASE, 100));
    }

    private ActivityWorkItem claimActivity() {
        return awaitPresent(() -> store.claimActivityWorkItem("worker", LEASE));
    }

    private static <T> T awaitPresent(Supplier<Optional<T>> claim) {
        return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(claim::get, Optional::isPresent).get();
    }

    private Checkpoint schedulesWork(OrchestrationWorkItem item) {
        Instant at = now();
        List<HistoryEvent> history = List.of(new OrchestratorStarted(at), started,
                new TaskScheduled(at, 0, "Work", "1"), new OrchestratorCompleted(at));
        return new Checkpoint(item.instance().toBuilder().runtimeStatus(RuntimeStatus.Running).lastUpdatedAt(at)
                .build(), history, false,
                List.of(new ActivityTask(instanceId, started.executionId(), 0, "Work", "1")), List.of());
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
