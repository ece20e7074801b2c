package io.taskhub.tck;

import static io.taskhub.tck.Fixtures.event;
import static io.taskhub.tck.Fixtures.newInstanceId;
import static io.taskhub.tck.Fixtures.started;
import static io.taskhub.tck.Fixtures.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.query.InstanceQuery;
import io.taskhub.ports.query.PurgeFilter;
import io.taskhub.ports.model.PurgeResult;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.Checkpoint;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.OrchestrationWorkItem;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Purging instances by id and by filter, with everything that belongs to them. */
public abstract class PurgeContract extends StoreContractSupport {
    private static final Set<RuntimeStatus> TERMINAL =
            EnumSet.of(RuntimeStatus.Completed, RuntimeStatus.Failed, RuntimeStatus.Terminated);

    /** A Completed instance that still has history, a pending message and an activity task. */
    private static String completedWithLeftovers(OrchestrationStore store) {
        String id = newInstanceId();
        ExecutionStarted started = started("Done", "1");
        store.createInstance(id, started, Set.of());
        OrchestrationWorkItem item = claimFor(store, id);
        store.completeOrchestrationWorkItem(item, new Checkpoint(
                item.instance().toBuilder().runtimeStatus(RuntimeStatus.Completed).output("2").build(),
                List.of(started), false, List.of(task(id, started.executionId(), 0)), List.of()));
        store.sendMessages(List.of(event(id, "late")));
        return id;
    }

    @Test
    void purgeInstance_inAnAllowedStatus_deletesTheInstanceItsHistoryInboxAndTasks() {
        OrchestrationStore store = newTaskHub();
        String id = completedWithLeftovers(store);

        assertThat(store.purgeInstance(id, TERMINAL)).isTrue();

        assertThat(store.getInstance(id)).isEmpty();
        assertThat(store.getHistory(id)).isEmpty();
        assertNoOrchestrationWork(store);
        assertNoActivityWork(store);
        assertThat(store.queryInstances(InstanceQuery.all()).instances()).isEmpty();
    }

    @Test
    void purgeInstance_thenCreatingTheSameId_startsFromNothing() {
        OrchestrationStore store = newTaskHub();
        String id = completedWithLeftovers(store);
        store.purgeInstance(id, TERMINAL);
        ExecutionStarted again = started("Again", "3");

        store.createInstance(id, again, Set.of());

        assertThat(store.getInstance(id).orElseThrow().runtimeStatus()).isEqualTo(RuntimeStatus.Pending);
        assertThat(store.getHistory(id)).isEmpty();
        assertThat(drain(store, id)).extracting(InstanceMessage::event).containsExactly(again);
        assertNoActivityWork(store);
    }

    @Test
    void purgeInstance_inAStatusThatIsNotAllowed_returnsFalseAndDeletesNothing() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        InstanceMetadata running = createAndCheckpoint(store, id, started("Busy", null),
                row -> row.runtimeStatus(RuntimeStatus.Running));

        assertThat(store.purgeInstance(id, TERMINAL)).isFalse();

        assertThat(store.getInstance(id)).contains(running);
        assertThat(store.getHistory(id)).isNotEmpty();
    }

    @Test
    void purgeInstance_ofAMissingInstance_returnsFalse() {
        OrchestrationStore store = newTaskHub();

        assertThat(store.purgeInstance("missing", EnumSet.allOf(RuntimeStatus.class))).isFalse();
    }

    @Test
    void purgeInstances_deletesMatchingInstancesInChunksUntilComplete() {
        OrchestrationStore store = newTaskHub();
        List<String> completed = new ArrayList<>();
        List<String> survivors = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            completed.add(createAndCheckpoint(store, "done-" + i, started("Batch", null),
                    row -> row.runtimeStatus(RuntimeStatus.Completed)).instanceId());
            if (i % 5 == 0) {
                survivors.add(createAndCheckpoint(store, "busy-" + i, started("Batch", null),
                        row -> row.runtimeStatus(RuntimeStatus.Running)).instanceId());
            }
        }
        PurgeFilter filter = new PurgeFilter(Instant.EPOCH, null, Set.of(RuntimeStatus.Completed));

        PurgeResult first = store.purgeInstances(filter, 10);
        int total = first.deletedInstanceCount();
        int calls = 1;
        PurgeResult last = first;
        while (!last.isComplete() && calls < 20) {
            last = store.purgeInstances(filter, 10);
            assertThat(last.deletedInstanceCount()).isBetween(0, 10);
            total += last.deletedInstanceCount();
            calls++;
        }

        assertThat(first).isEqualTo(new PurgeResult(10, false));
        assertThat(last.isComplete()).isTrue();
        assertThat(total).isEqualTo(25);
        completed.forEach(id -> assertThat(store.getInstance(id)).as(id).isEmpty());
        assertThat(store.queryInstances(InstanceQuery.all()).instances()).extracting(InstanceMetadata::instanceId)
                .containsExactlyInAnyOrderElementsOf(survivors);
        assertThat(store.purgeInstances(filter, 10)).isEqualTo(new PurgeResult(0, true));
    }

    @Test
    void purgeInstances_respectsTheCreatedRange() {
        OrchestrationStore store = newTaskHub();
        InstanceMetadata early = createAndCheckpoint(store, "early", started("Batch", null),
                row -> row.runtimeStatus(RuntimeStatus.Failed));
        waitUntilPast(store, early.createdAt());
        InstanceMetadata middle = createAndCheckpoint(store, "middle", started("Batch", null),
                row -> row.runtimeStatus(RuntimeStatus.Failed));
        waitUntilPast(store, middle.createdAt());
        createAndCheckpoint(store, "late", started("Batch", null), row -> row.runtimeStatus(RuntimeStatus.Failed));

        PurgeResult result = store.purgeInstances(
                new PurgeFilter(middle.createdAt(), middle.createdAt(), TERMINAL), 100);

        assertThat(result).isEqualTo(new PurgeResult(1, true));
        assertThat(store.getInstance("middle")).isEmpty();
        assertThat(store.getInstance("early")).isPresent();
        assertThat(store.getInstance("late")).isPresent();
    }

    @Test
    void purgeInstances_deletesHistoryInboxesAndTasksOfThePurgedInstances() {
        OrchestrationStore store = newTaskHub();
        String id = completedWithLeftovers(store);

        PurgeResult result = store.purgeInstances(new PurgeFilter(Instant.EPOCH, null, TERMINAL), 100);

        assertThat(result).isEqualTo(new PurgeResult(1, true));
        assertThat(store.getHistory(id)).isEmpty();
        assertNoOrchestrationWork(store);
        assertNoActivityWork(store);
    }
}
