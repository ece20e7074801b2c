package io.taskhub.postgres;

import static io.taskhub.tck.Fixtures.started;
import static io.taskhub.tck.Fixtures.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.TaskCompleted;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.ActivityClaim;
import io.taskhub.ports.store.ActivityTask;
import io.taskhub.ports.store.ActivityWorkItem;
import io.taskhub.ports.store.Checkpoint;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.NameFilter;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.OrchestrationWorkItem;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Activity results committed in batches (ResultBatches, {@link ActivityWork#completeAndClaimAll}): each result is
 * stored once, only while its lease holds, and each task completed claims one next task, leased to the caller
 * under a token of its own.
 */
class ResultBatchTest {
    private static final Duration LEASE = Duration.ofMinutes(5);

    @RegisterExtension
    static final SchemaPerClass schema = new SchemaPerClass();

    @Test
    void aBatch_storesTheResultsWhoseLeasesHold_andClaimsANextTaskForEach() throws Exception {
        OrchestrationStore store = newTaskHub();
        String id = instanceWithTasks(store, 6);
        List<ActivityWorkItem> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(store.claimActivityWorkItem("w", LEASE).orElseThrow());
        }
        ActivityWorkItem lost = store.claimActivityWorkItem("w", Duration.ofMillis(300)).orElseThrow();
        org.awaitility.Awaitility.await().until(() -> store.now().isAfter(lost.lease().expiresAt()));
        ActivityWorkItem retaken = store.claimActivityWorkItem("other", LEASE).orElseThrow();
        List<ActivityWork.Completion> batch = new ArrayList<>();
        for (ActivityWorkItem item : held) {
            batch.add(new ActivityWork.Completion(item, result(item)));
        }
        batch.add(new ActivityWork.Completion(lost, result(lost)));
        // The same task under the lease that took it over, in the same batch (both runs finished at once).
        batch.add(new ActivityWork.Completion(retaken, result(retaken)));
        String hubKey = store.taskHubName().toLowerCase(java.util.Locale.ROOT);
        Tables tables = new Tables(schema.name());
        ActivityWork activities = new ActivityWork(tables, hubKey, new MessageDelivery(tables, hubKey));
        Notices notices = new Notices(schema.name(), hubKey);

        List<ActivityWork.Completed> outcomes;
        try (Connection c = schema.connect()) {
            c.setAutoCommit(true);
            outcomes = activities.completeAndClaimAll(c, batch, new ActivityClaim("w", LEASE, NameFilter.ANY),
                    PgTime.truncate(Instant.now()), notices).orElseThrow();
        }

        assertThat(outcomes).extracting(ActivityWork.Completed::done).containsExactly(true, true, true, false, true);
        // Two tasks were left to claim: the first two completions took them, the third found none.
        List<ActivityWorkItem> claimed = outcomes.stream().flatMap(o -> o.claimed().stream()).toList();
        assertThat(outcomes.get(0).claimed()).isPresent();
        assertThat(outcomes.get(1).claimed()).isPresent();
        assertThat(outcomes.get(2).claimed()).isEmpty();
        assertThat(outcomes.get(3).claimed()).isEmpty();
        assertThat(outcomes.get(4).claimed()).isEmpty();
        assertThat(claimed).extracting(item -> item.task().taskId()).doesNotHaveDuplicates()
                .doesNotContainAnyElementsOf(List.of(held.get(0).task().taskId(), held.get(1).task().taskId(),
                        held.get(2).task().taskId(), lost.task().taskId()));
        assertThat(claimed).extracting(item -> item.lease().token()).doesNotHaveDuplicates();
        assertThat(claimed).allSatisfy(item -> {
            assertThat(item.lease().owner()).isEqualTo("w");
            assertThat(item.dequeueCount()).isEqualTo(1);
            // Each lease is the one stored: renewed and completed under it.
            store.renewActivityWorkItem(item, LEASE);
            store.completeActivityWorkItem(item, result(item));
        });
        assertThat(store.claimActivityWorkItem("w", LEASE)).as("no task left to claim").isEmpty();

        OrchestrationWorkItem results = store.claimOrchestrationWorkItem("w", LEASE, 100).orElseThrow();
        assertThat(results.instanceId()).isEqualTo(id);
        assertThat(results.messages()).extracting(m -> ((TaskCompleted) m.event()).taskId())
                .as("each task's result once: the lost lease's by the lease that took the task over")
                .containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
    }

    @Test
    void threadsCompletingAtOnce_storeEveryResultOnce_andNeverClaimATaskTwice() throws Exception {
        OrchestrationStore store = newTaskHub();
        int tasks = 400;
        String id = instanceWithTasks(store, tasks);
        Map<Integer, AtomicInteger> completions = new ConcurrentHashMap<>();
        ActivityClaim next = new ActivityClaim("w", LEASE, NameFilter.ANY);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                workers.add(threads.submit(() -> {
                    Optional<ActivityWorkItem> item = store.claimActivityWorkItem("w", LEASE);
                    while (item.isPresent()) {
                        ActivityWorkItem current = item.get();
                        completions.computeIfAbsent(current.task().taskId(), k -> new AtomicInteger())
                                .incrementAndGet();
                        item = store.completeActivityAndClaimNext(current, result(current), next);
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get(120, TimeUnit.SECONDS); // a lost lease would throw here
            }
        } finally {
            threads.shutdownNow();
        }

        assertThat(completions).hasSize(tasks);
        assertThat(completions.values()).as("times each task was run").allSatisfy(n -> assertThat(n).hasValue(1));
        OrchestrationWorkItem results = store.claimOrchestrationWorkItem("w", LEASE, 1_000).orElseThrow();
        assertThat(results.instanceId()).isEqualTo(id);
        assertThat(results.messages()).extracting(m -> ((TaskCompleted) m.event()).taskId())
                .doesNotHaveDuplicates().hasSize(tasks);
    }

    private static OrchestrationStore newTaskHub() {
        return schema.backend().taskHub("rb" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
    }

    /** A running instance whose first step scheduled {@code count} tasks, stored for claims. */
    private static String instanceWithTasks(OrchestrationStore store, int count) {
        String id = "fan-" + UUID.randomUUID();
        store.createInstance(id, started("FanOut", null), Set.of());
        OrchestrationWorkItem first = store.claimOrchestrationWorkItem("w", LEASE, 10).orElseThrow();
        ExecutionStarted start = (ExecutionStarted) first.messages().get(0).event();
        List<ActivityTask> scheduled = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            scheduled.add(task(id, start.executionId(), i));
        }
        store.completeOrchestrationWorkItem(first, new Checkpoint(first.instance().toBuilder()
                .runtimeStatus(RuntimeStatus.Running).build(), List.of(start), false, scheduled, List.of()));
        return id;
    }

    private static InstanceMessage result(ActivityWorkItem item) {
        return InstanceMessage.of(item.task().instanceId(), new TaskCompleted(Instant.now(), item.task().taskId(),
                "\"done\""));
    }
}
