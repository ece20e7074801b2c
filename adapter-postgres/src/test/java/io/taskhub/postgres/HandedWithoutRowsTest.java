package io.taskhub.postgres;

import static io.taskhub.tck.Fixtures.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskhub.ports.errors.LockLostException;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.HistoryEvent;
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
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.OrchestrationWorkItem;
import io.taskhub.ports.store.TaskHandOff;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Activities a step hands to its own worker without task rows (V18): their entries on the instance's row fence
 * their results as a row's lease would (each result is taken once, a lost entry records nothing), they turn into
 * rows when given back or when their lease runs out unrenewed, they outlive a step that fails the instance, and a
 * step hands activities without rows only where that is safe.
 */
class HandedWithoutRowsTest {
    private static final Duration LEASE = Duration.ofMinutes(5);

    @RegisterExtension
    static final SchemaPerClass schema = new SchemaPerClass();

    @Test
    void aStepsFewActivities_goWithoutRows_andEachResultIsTakenOnce_withItsStepOrAlone() throws Exception {
        OrchestrationStore store = newTaskHub(schema.backend());
        Running run = start(store);
        List<ActivityWorkItem> handed = store.completeOrchestrationWorkItem(run.item(), run.scheduling(2),
                handOff(2));

        assertThat(handed).hasSize(2).allSatisfy(item -> {
            assertThat(item.receipt()).isInstanceOf(ActivityWork.HandedReceipt.class);
            assertThat(item.dequeueCount()).isEqualTo(1);
        });
        assertThat(taskRows(store)).as("task rows").isZero();
        assertThat(entries(store, run.id())).hasSize(2);
        assertThat(owner(store, run.id())).isEqualTo("w");
        assertThat(store.renewActivityWorkItem(handed.get(0), LEASE).token()).isEqualTo(handed.get(0).lease().token());

        // The first result comes with the step it brings: its entry goes with it.
        long revision = store.getInstance(run.id()).orElseThrow().revision();
        Checkpoint next = new Checkpoint(null, List.of(new OrchestratorStarted(Instant.now()),
                new TaskCompleted(Instant.now(), 0, "\"r0\"")), false, List.of(), List.of());
        assertThat(store.completeActivityWithStep(handed.get(0), result(handed.get(0)), revision, next, null))
                .isPresent();
        assertThat(entries(store, run.id())).hasSize(1);
        // Given again (a retry after a timeout, say): no entry, so neither the step nor the result is taken.
        long after = store.getInstance(run.id()).orElseThrow().revision();
        assertThat(store.completeActivityWithStep(handed.get(0), result(handed.get(0)), after, next, null)).isEmpty();
        assertThatThrownBy(() -> store.completeActivityWorkItem(handed.get(0), result(handed.get(0))))
                .isInstanceOf(LockLostException.class);
        assertThatThrownBy(() -> store.renewActivityWorkItem(handed.get(0), LEASE))
                .isInstanceOf(LockLostException.class);

        // The second result alone, into the inbox; once.
        store.completeActivityWorkItem(handed.get(1), result(handed.get(1)));
        assertThatThrownBy(() -> store.completeActivityWorkItem(handed.get(1), result(handed.get(1))))
                .isInstanceOf(LockLostException.class);
        assertThat(entries(store, run.id())).isEmpty();
        assertThat(owner(store, run.id())).as("gone with the last entry").isNull();

        OrchestrationWorkItem last = store.claimOrchestrationWorkItem("w", LEASE, 10).orElseThrow();
        assertThat(last.messages()).extracting(m -> ((TaskCompleted) m.event()).taskId()).containsExactly(1);
        store.completeOrchestrationWorkItem(last, new Checkpoint(last.instance().toBuilder()
                .runtimeStatus(RuntimeStatus.Completed).build(), List.of(new OrchestratorStarted(Instant.now())),
                false, List.of(), List.of()));
        assertThat(owner(store, run.id())).isNull();
    }

    @Test
    void aStepHandingManyActivities_orLargeInputs_givesEachARow() throws Exception {
        OrchestrationStore store = newTaskHub(schema.backend());
        Running many = start(store);
        int count = StepCalls.MAX_ROWLESS + 1;
        List<ActivityWorkItem> handed = store.completeOrchestrationWorkItem(many.item(), many.scheduling(count),
                handOff(count));
        assertThat(handed).hasSize(count)
                .allSatisfy(item -> assertThat(item.receipt()).isInstanceOf(ActivityWork.TaskReceipt.class));
        assertThat(entries(store, many.id())).isEmpty();
        assertThat(taskRows(store)).isEqualTo(count);

        Running large = start(store);
        Checkpoint step = large.scheduling(1);
        ActivityTask task = step.activityTasks().get(0);
        String input = "\"" + "x".repeat(StepCalls.MAX_ROWLESS_INPUT) + "\"";
        Checkpoint withLargeInput = new Checkpoint(step.instance(), step.history(), false, List.of(new ActivityTask(
                task.instanceId(), task.executionId(), task.taskId(), task.name(), input, task.traceParent())),
                List.of());
        assertThat(store.completeOrchestrationWorkItem(large.item(), withLargeInput, handOff(1)))
                .as("an input over %d characters", StepCalls.MAX_ROWLESS_INPUT).singleElement()
                .satisfies(item -> assertThat(item.receipt()).isInstanceOf(ActivityWork.TaskReceipt.class));
    }

    /** Two workers: a step of the second adds no entry to an instance the first still has entries on. */
    @Test
    void anotherWorkersEntries_keepAStepsHandOffInRows() throws Exception {
        OrchestrationStore store = newTaskHub(schema.backend());
        Running run = start(store);
        ActivityWorkItem firsts = store.completeOrchestrationWorkItem(run.item(), run.scheduling(1), handOff(1))
                .get(0);
        assertThat(firsts.receipt()).isInstanceOf(ActivityWork.HandedReceipt.class);

        store.sendMessages(List.of(InstanceMessage.of(run.id(),
                new io.taskhub.ports.history.EventRaised(Instant.now(), "go", null))));
        OrchestrationWorkItem item = store.claimOrchestrationWorkItem("w2", LEASE, 10).orElseThrow();
        Checkpoint step = new Checkpoint(null, List.of(new OrchestratorStarted(Instant.now()),
                new TaskScheduled(Instant.now(), 5, "Work", "\"5\"")), false,
                List.of(new ActivityTask(run.id(), run.executionId(), 5, "Work", "\"5\"")), List.of());
        ActivityWorkItem seconds = store.completeOrchestrationWorkItem(item, step,
                new TaskHandOff("w2", LEASE, 1, NameFilter.ANY)).get(0);

        assertThat(seconds.receipt()).isInstanceOf(ActivityWork.TaskReceipt.class);
        assertThat(owner(store, run.id())).isEqualTo("w");
        assertThat(entries(store, run.id())).hasSize(1);
    }

    /** An activity that runs long keeps its entry by renewing it, as it would keep a task row. */
    @Test
    void aRenewedEntry_outlastsTheHandOffsLease() throws Exception {
        OrchestrationStore store = newTaskHub(schema.backend());
        Running run = start(store);
        ActivityWorkItem item = store.completeOrchestrationWorkItem(run.item(), run.scheduling(1),
                new TaskHandOff("w", Duration.ofSeconds(1), 1, NameFilter.ANY)).get(0);
        store.renewActivityWorkItem(item, LEASE);

        Thread.sleep(4_000); // past the hand-off's lease and a housekeeping round
        assertThat(store.claimActivityWorkItem("other", LEASE)).as("nothing given back").isEmpty();
        assertThat(entries(store, run.id())).hasSize(1);
        store.completeActivityWorkItem(item, result(item));
        assertThat(entries(store, run.id())).isEmpty();
    }

    /**
     * The worker dies holding an activity handed without a row: once the lease runs out, the housekeeping makes a
     * task row of it that anyone may claim, from the history, and the late result of the worker (had it only been
     * slow) is dropped, so the activity's result is recorded once.
     */
    @Test
    void anActivityWhoseLeaseRanOut_becomesATaskAnyoneMayClaim_andTheLateResultIsDropped() throws Exception {
        OrchestrationStore store = newTaskHub(schema.backend());
        Running run = start(store);
        ActivityWorkItem stranded = store.completeOrchestrationWorkItem(run.item(), run.scheduling(1),
                new TaskHandOff("w", Duration.ofSeconds(1), 1, NameFilter.ANY)).get(0);
        assertThat(stranded.receipt()).isInstanceOf(ActivityWork.HandedReceipt.class);
        assertThat(taskRows(store)).isZero();

        // The backend's housekeeping gives it back once the lease has run out.
        Optional<ActivityWorkItem> claimed = Awaitility.await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> store.claimActivityWorkItem("survivor", LEASE), Optional::isPresent);
        ActivityWorkItem retaken = claimed.orElseThrow();
        assertThat(retaken.task().taskId()).isEqualTo(stranded.task().taskId());
        assertThat(retaken.task().name()).isEqualTo(stranded.task().name());
        assertThat(retaken.task().input()).isEqualTo(stranded.task().input());
        assertThat(retaken.task().executionId()).isEqualTo(run.executionId());
        assertThat(retaken.task()).as("the task whole, from its entry").isEqualTo(stranded.task());
        assertThat(retaken.dequeueCount()).as("handed once, claimed once").isEqualTo(2);
        assertThat(entries(store, run.id())).isEmpty();
        assertThat(owner(store, run.id())).isNull();

        // The stranded worker's late result and renewal find nothing to take.
        assertThatThrownBy(() -> store.completeActivityWorkItem(stranded, result(stranded)))
                .isInstanceOf(LockLostException.class);
        assertThatThrownBy(() -> store.renewActivityWorkItem(stranded, LEASE))
                .isInstanceOf(LockLostException.class);
        store.completeActivityWorkItem(retaken, result(retaken));
        OrchestrationWorkItem results = store.claimOrchestrationWorkItem("survivor", LEASE, 10).orElseThrow();
        assertThat(results.messages()).extracting(m -> ((TaskCompleted) m.event()).taskId())
                .as("the activity's result, once").containsExactly(stranded.task().taskId());
    }

    /**
     * A step that fails the instance while activities it handed run leaves their entries: their results are
     * recorded late, as those of task rows were, and a rewind (which reruns only what failed) finds them.
     */
    @Test
    void entriesOutliveAStepThatFailsTheInstance() throws Exception {
        OrchestrationStore store = newTaskHub(schema.backend());
        Running run = start(store);
        List<ActivityWorkItem> handed = store.completeOrchestrationWorkItem(run.item(), run.scheduling(2),
                handOff(2));
        store.completeActivityWorkItem(handed.get(0), InstanceMessage.of(run.id(),
                new io.taskhub.ports.history.TaskFailed(Instant.now(), 0,
                        new io.taskhub.ports.model.FailureDetails("Boom", "it failed", null, null))));
        OrchestrationWorkItem failing = store.claimOrchestrationWorkItem("w", LEASE, 10).orElseThrow();
        store.completeOrchestrationWorkItem(failing, new Checkpoint(failing.instance().toBuilder()
                .runtimeStatus(RuntimeStatus.Failed).build(), List.of(new OrchestratorStarted(Instant.now())),
                false, List.of(), List.of()));

        assertThat(entries(store, run.id())).hasSize(1);
        store.completeActivityWorkItem(handed.get(1), result(handed.get(1)));
        OrchestrationWorkItem late = store.claimOrchestrationWorkItem("w", LEASE, 10).orElseThrow();
        assertThat(late.messages()).extracting(m -> ((TaskCompleted) m.event()).taskId()).containsExactly(1);
    }

    @Test
    void anActivityGivenBack_becomesATaskRowVisibleAfterItsDelay() throws Exception {
        OrchestrationStore store = newTaskHub(schema.backend());
        Running run = start(store);
        List<ActivityWorkItem> handed = store.completeOrchestrationWorkItem(run.item(), run.scheduling(2),
                handOff(2));

        store.abandonActivityWorkItem(handed.get(0), Duration.ofMinutes(10));
        store.returnActivityWorkItem(handed.get(1)); // not started: its count is taken back

        assertThat(entries(store, run.id())).isEmpty();
        assertThat(taskRows(store)).isEqualTo(2);
        ActivityWorkItem now = store.claimActivityWorkItem("w", LEASE).orElseThrow();
        assertThat(now.task().taskId()).isEqualTo(handed.get(1).task().taskId());
        assertThat(now.dequeueCount()).isEqualTo(1);
        assertThat(store.claimActivityWorkItem("w", LEASE)).as("the other one waits for its delay").isEmpty();
        assertThatThrownBy(() -> store.completeActivityWorkItem(handed.get(0), result(handed.get(0))))
                .isInstanceOf(LockLostException.class);
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /** A started instance, claimed for its first step. */
    private record Running(String id, ExecutionStarted start, OrchestrationWorkItem item) {
        String executionId() {
            return start.executionId();
        }

        /** The first step: the instance runs, and schedules {@code count} activities named Work. */
        Checkpoint scheduling(int count) {
            List<HistoryEvent> history = new ArrayList<>(List.of(new OrchestratorStarted(Instant.now()), start));
            List<ActivityTask> tasks = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                history.add(new TaskScheduled(Instant.now(), i, "Work", "\"" + i + "\""));
                tasks.add(new ActivityTask(id, start.executionId(), i, "Work", "\"" + i + "\"",
                        "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01"));
            }
            InstanceMetadata running = item.instance().toBuilder().runtimeStatus(RuntimeStatus.Running).build();
            return new Checkpoint(running, history, false, tasks, List.of());
        }
    }

    private static Running start(OrchestrationStore store) {
        String id = "handed-" + UUID.randomUUID();
        store.createInstance(id, started("Sequence", null), Set.of());
        OrchestrationWorkItem item = store.claimOrchestrationWorkItem("w", LEASE, 10).orElseThrow();
        return new Running(id, (ExecutionStarted) item.messages().get(0).event(), item);
    }

    private static TaskHandOff handOff(int max) {
        return new TaskHandOff("w", LEASE, max, NameFilter.ANY);
    }

    private static OrchestrationStore newTaskHub(PostgresStorageBackend backend) {
        return backend.taskHub("hw" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
    }

    private static InstanceMessage result(ActivityWorkItem item) {
        return InstanceMessage.of(item.task().instanceId(), new TaskCompleted(Instant.now(), item.task().taskId(),
                "\"done\""));
    }

    private static long taskRows(OrchestrationStore store) throws Exception {
        try (Connection c = schema.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM activity_tasks WHERE task_hub = ?")) {
            ps.setString(1, key(store));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static List<String> entries(OrchestrationStore store, String instanceId) throws Exception {
        try (Connection c = schema.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT handed FROM instances WHERE task_hub = ? AND instance_id = ?")) {
            ps.setString(1, key(store));
            ps.setString(2, instanceId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Array handed = rs.getArray(1);
                return handed == null ? List.of() : List.of((String[]) handed.getArray());
            }
        }
    }

    private static String owner(OrchestrationStore store, String instanceId) throws Exception {
        try (Connection c = schema.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT handed_owner FROM instances WHERE task_hub = ? AND instance_id = ?")) {
            ps.setString(1, key(store));
            ps.setString(2, instanceId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static String key(OrchestrationStore store) {
        return store.taskHubName().toLowerCase(Locale.ROOT);
    }
}
