package io.taskhub.tck;

import static io.taskhub.tck.Fixtures.event;
import static io.taskhub.tck.Fixtures.started;
import static io.taskhub.tck.Fixtures.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskhub.ports.errors.InvalidArgumentException;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.query.InstanceQuery;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.ActivityWorkItem;
import io.taskhub.ports.store.Checkpoint;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.OrchestrationWorkItem;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Task hubs of one backend are isolated from each other. */
public abstract class TaskHubContract extends StoreContractSupport {
    private static final String SHARED_ID = "same-id";

    /** Gives the hub an instance named {@link #SHARED_ID} with a step done, a pending event and a task. */
    private static void populate(OrchestrationStore store, String input) {
        ExecutionStarted started = started("Hub", input);
        store.createInstance(SHARED_ID, started, Set.of());
        OrchestrationWorkItem item = claimFor(store, SHARED_ID);
        store.completeOrchestrationWorkItem(item, new Checkpoint(
                item.instance().toBuilder().runtimeStatus(RuntimeStatus.Running).build(), List.of(started), false,
                List.of(task(SHARED_ID, started.executionId(), 0)), List.of()));
        store.sendMessages(List.of(event(SHARED_ID, "for-" + input)));
    }

    @Test
    void taskHubs_neverSeeEachOthersInstancesMessagesOrTasks() {
        OrchestrationStore a = newTaskHub();
        OrchestrationStore b = newTaskHub();
        populate(a, "\"a\"");
        b.createInstance("only-in-b", started("Hub", "\"b\""), Set.of());

        assertThat(a.getInstance(SHARED_ID).orElseThrow().input()).isEqualTo("\"a\"");
        assertThat(b.getInstance(SHARED_ID)).isEmpty();
        assertThat(a.getInstance("only-in-b")).isEmpty();
        assertThat(b.getHistory(SHARED_ID)).isEmpty();
        assertThat(b.claimActivityWorkItem(WORKER, LONG_LEASE)).isEmpty();
        assertThat(b.queryInstances(InstanceQuery.all()).instances()).extracting(m -> m.instanceId())
                .containsExactly("only-in-b");
        assertThat(b.countInstances(InstanceQuery.all())).isEqualTo(Map.of(RuntimeStatus.Pending, 1L));
        assertThat(drain(b, "only-in-b")).hasSize(1);
        assertNoOrchestrationWork(b);
        assertThat(drain(a, SHARED_ID)).extracting(Fixtures::label).containsExactly("for-\"a\"");
    }

    @Test
    void taskHubs_canHoldTheSameInstanceIdIndependently() {
        OrchestrationStore a = newTaskHub();
        OrchestrationStore b = newTaskHub();
        populate(a, "\"a\"");
        populate(b, "\"b\"");

        assertThat(a.purgeInstance(SHARED_ID, Set.of(RuntimeStatus.Running))).isTrue();

        assertThat(a.getInstance(SHARED_ID)).isEmpty();
        assertThat(b.getInstance(SHARED_ID).orElseThrow().input()).isEqualTo("\"b\"");
        assertThat(drain(b, SHARED_ID)).extracting(Fixtures::label).containsExactly("for-\"b\"");
        ActivityWorkItem task = b.claimActivityWorkItem(WORKER, LONG_LEASE).orElseThrow();
        assertThat(task.task().instanceId()).isEqualTo(SHARED_ID);
        assertNoActivityWork(a);
    }

    @Test
    void deleteTaskHub_removesEverythingOfThatHubAndLeavesOthersIntact() {
        OrchestrationStore a = newTaskHub();
        OrchestrationStore b = newTaskHub();
        populate(a, "\"a\"");
        populate(b, "\"b\"");
        var historyOfB = b.getHistory(SHARED_ID);

        a.deleteTaskHub();
        a.createTaskHubIfNotExists();

        assertThat(a.getInstance(SHARED_ID)).isEmpty();
        assertThat(a.getHistory(SHARED_ID)).isEmpty();
        assertThat(a.queryInstances(InstanceQuery.all()).instances()).isEmpty();
        assertNoOrchestrationWork(a);
        assertNoActivityWork(a);
        assertThat(b.getInstance(SHARED_ID)).isPresent();
        assertThat(b.getHistory(SHARED_ID)).isEqualTo(historyOfB).isNotEmpty();
        assertThat(drain(b, SHARED_ID)).hasSize(1);
        assertThat(b.claimActivityWorkItem(WORKER, LONG_LEASE)).isPresent();
    }

    @Test
    void deleteTaskHub_isIdempotent_andTheHubIsUsableAfterCreatingItAgain() {
        OrchestrationStore a = newTaskHub();
        populate(a, "1");

        a.deleteTaskHub();
        a.deleteTaskHub();
        a.createTaskHubIfNotExists();
        a.createTaskHubIfNotExists();
        a.createInstance("fresh", started("Hub", "2"), Set.of());

        assertThat(a.getInstance("fresh").orElseThrow().input()).isEqualTo("2");
        assertThat(drain(a, "fresh")).hasSize(1);
    }

    /** A client may still look at a hub that another process deleted: it finds nothing, rather than failing. */
    @Test
    void deletedTaskHub_answersReadsWithNothing() {
        OrchestrationStore a = newTaskHub();
        populate(a, "1");

        a.deleteTaskHub();

        assertThat(a.getInstance(SHARED_ID)).isEmpty();
        assertThat(a.getHistory(SHARED_ID)).isEmpty();
        assertThat(a.queryInstances(InstanceQuery.all()).instances()).isEmpty();
        assertThat(a.countInstances(InstanceQuery.all()).values()).allMatch(count -> count == 0);
    }

    @Test
    void backend_givesTheStoreOfTheNamedHub() {
        OrchestrationStore a = newTaskHub();
        a.createInstance("x", started("Hub", "1"), Set.of());

        OrchestrationStore again = backend().taskHub(a.taskHubName());

        assertThat(again.taskHubName()).isEqualTo(a.taskHubName());
        assertThat(again.getInstance("x")).isPresent();
    }

    @Test
    void backend_rejectsAnInvalidTaskHubName() {
        for (String name : List.of("ab", "1abc", "has-dash", "x".repeat(46), "")) {
            assertThatThrownBy(() -> backend().taskHub(name)).as(name).isInstanceOf(InvalidArgumentException.class);
        }
    }
}
