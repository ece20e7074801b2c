package io.taskhub.tck;

import static io.taskhub.tck.Fixtures.newInstanceId;
import static io.taskhub.tck.Fixtures.started;
import static io.taskhub.tck.Fixtures.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.Backlog;
import io.taskhub.ports.store.Checkpoint;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.OrchestrationWorkItem;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The backlog operators see: visible messages and unheld tasks, counted per name, with the oldest of each. */
public abstract class BacklogContract extends StoreContractSupport {

    private static Backlog backlogOf(OrchestrationStore store) {
        Optional<Backlog> backlog = store.backlog();
        Assumptions.assumeTrue(backlog.isPresent(), "the store does not report its backlog");
        return backlog.get();
    }

    @Test
    void anEmptyHub_hasNoBacklog() {
        Backlog backlog = backlogOf(newTaskHub());

        assertThat(backlog.orchestrationMessages()).isZero();
        assertThat(backlog.oldestOrchestrationMessage()).isNull();
        assertThat(backlog.activityTasks()).isZero();
        assertThat(backlog.oldestActivityTask()).isNull();
    }

    @Test
    void visibleMessagesAndUnheldTasks_areCountedPerName_withTheOldest() {
        OrchestrationStore store = newTaskHub();
        // An instance of "Fanout" whose first step scheduled three tasks, one of them then claimed.
        String fanout = newInstanceId();
        ExecutionStarted first = started("Fanout", null);
        store.createInstance(fanout, first, Set.of());
        OrchestrationWorkItem step = claimFor(store, fanout);
        store.completeOrchestrationWorkItem(step, new Checkpoint(step.instance().toBuilder()
                .runtimeStatus(RuntimeStatus.Running).build(), List.of(first), false,
                List.of(task(fanout, first.executionId(), 0), task(fanout, first.executionId(), 1),
                        task(fanout, first.executionId(), 2)), List.of()));
        store.claimActivityWorkItem(WORKER, LONG_LEASE).orElseThrow();
        // Starts waiting: two of "Alpha", one of "Beta", and one scheduled for later (not visible yet).
        store.createInstance(newInstanceId(), started("Alpha", null), Set.of());
        store.createInstance(newInstanceId(), started("Alpha", null), Set.of());
        store.createInstance(newInstanceId(), started("Beta", null), Set.of());
        store.createInstance(newInstanceId(), Fixtures.startedAt("Later", store.now().plusSeconds(3600)), Set.of());

        Backlog backlog = backlogOf(store);

        assertThat(backlog.orchestrationMessages()).isEqualTo(3);
        assertThat(backlog.messagesByOrchestrator()).isEqualTo(Map.of("Alpha", 2L, "Beta", 1L));
        assertThat(backlog.oldestOrchestrationMessage()).isNotNull().isBeforeOrEqualTo(store.now());
        assertThat(backlog.activityTasks()).as("the claimed task is held").isEqualTo(2);
        assertThat(backlog.tasksByActivity()).as("the first was claimed")
                .isEqualTo(Map.of("Activity1", 1L, "Activity2", 1L));
        assertThat(backlog.oldestActivityTask()).isNotNull().isBeforeOrEqualTo(store.now());
    }
}
