package io.taskhub.tck;

import static io.taskhub.tck.Fixtures.event;
import static io.taskhub.tck.Fixtures.newInstanceId;
import static io.taskhub.tck.Fixtures.startMessage;
import static io.taskhub.tck.Fixtures.started;
import static io.taskhub.tck.Fixtures.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskhub.ports.errors.InstanceAlreadyExistsException;
import io.taskhub.ports.errors.InstanceNotFoundException;
import io.taskhub.ports.errors.LockLostException;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.ParentInstance;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.Checkpoint;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.NewInstance;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.OrchestrationWorkItem;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Creating instances, the instance-id reuse rules, and start messages sent to inboxes. */
public abstract class InstanceCreationContract extends StoreContractSupport {
    private static final Set<RuntimeStatus> TERMINAL =
            EnumSet.of(RuntimeStatus.Completed, RuntimeStatus.Failed, RuntimeStatus.Terminated);

    @Test
    void createInstance_buildsPendingMetadataFromTheExecutionStarted() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        ExecutionStarted started = new ExecutionStarted(Fixtures.now(), "Checkout", "3.1", "{\"cart\":42}",
                Fixtures.newExecutionId(), new ParentInstance("parent", "parent-exec", "Shop", 9), null,
                Map.of("region", "eu"));
        Instant before = store.now().truncatedTo(ChronoUnit.MILLIS);

        store.createInstance(id, started, Set.of());

        Instant after = store.now().plusMillis(1);
        InstanceMetadata m = store.getInstance(id).orElseThrow();
        assertThat(m.instanceId()).isEqualTo(id);
        assertThat(m.name()).isEqualTo("Checkout");
        assertThat(m.version()).isEqualTo("3.1");
        assertThat(m.input()).isEqualTo("{\"cart\":42}");
        assertThat(m.executionId()).isEqualTo(started.executionId());
        assertThat(m.parent()).isEqualTo(started.parent());
        assertThat(m.tags()).isEqualTo(Map.of("region", "eu"));
        assertThat(m.runtimeStatus()).isEqualTo(RuntimeStatus.Pending);
        assertThat(m.output()).isNull();
        assertThat(m.customStatus()).isNull();
        assertThat(m.failure()).isNull();
        assertThat(m.completedAt()).isNull();
        assertThat(m.scheduledStartAt()).isNull();
        assertThat(m.createdAt()).isBetween(before, after).isEqualTo(m.lastUpdatedAt());
        assertThat(store.getHistory(id)).as("history before the first step").isEmpty();
    }

    @Test
    void createInstances_createsEveryOne_withItsStartMessage() {
        OrchestrationStore store = newTaskHub();
        List<String> ids = List.of(newInstanceId(), newInstanceId(), newInstanceId());

        store.createInstances(ids.stream().map(id -> new NewInstance(id, started("Batch", "1"), Set.of())).toList());

        for (String id : ids) {
            assertThat(store.getInstance(id)).get().extracting(InstanceMetadata::runtimeStatus)
                    .isEqualTo(RuntimeStatus.Pending);
        }
        assertThat(List.of(claimFor(store, ids.get(0)), claimFor(store, ids.get(1)), claimFor(store, ids.get(2))))
                .allSatisfy(item -> assertThat(item.messages()).singleElement()
                        .matches(message -> message.isStart()));
    }

    @Test
    void createInstances_withAConflict_createsNone_whenTheStoreSaysItIsAtomic() {
        OrchestrationStore store = newTaskHub();
        String taken = newInstanceId();
        store.createInstance(taken, started("Existing", "1"), Set.of());
        String before = newInstanceId();
        String after = newInstanceId();

        assertThatThrownBy(() -> store.createInstances(List.of(new NewInstance(before, started("Batch", "1"), Set.of()),
                new NewInstance(taken, started("Batch", "1"), Set.of()),
                new NewInstance(after, started("Batch", "1"), Set.of()))))
                .isInstanceOfSatisfying(InstanceAlreadyExistsException.class,
                        e -> assertThat(e.instanceId()).isEqualTo(taken));

        assertThat(store.getInstance(taken).orElseThrow().name()).isEqualTo("Existing");
        assertThat(store.getInstance(after)).isEmpty();
        if (store.createsBatchesAtomically()) {
            assertThat(store.getInstance(before)).as("rolled back with the conflict").isEmpty();
        } else {
            assertThat(store.getInstance(before)).as("created one after the other").isPresent();
        }
    }

    @Test
    void createInstance_enqueuesTheExecutionStartedAsTheFirstMessage() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        ExecutionStarted started = started("Checkout", "1");

        store.createInstance(id, started, Set.of());

        OrchestrationWorkItem item = claimFor(store, id);
        assertThat(item.messages()).hasSize(1);
        InstanceMessage first = item.messages().get(0);
        assertThat(first.event()).isEqualTo(started);
        assertThat(first.instanceId()).isEqualTo(id);
        assertThat(first.executionId()).isEqualTo(started.executionId());
        assertThat(item.instance()).isEqualTo(store.getInstance(id).orElseThrow());
        assertThat(item.dequeueCount()).isEqualTo(1);
    }

    @Test
    void createInstance_whenTheExistingStatusIsNotReplaceable_throwsWithTheStatusAndChangesNothing() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        createAndCheckpoint(store, id, started("Checkout", "1"), row -> row.runtimeStatus(RuntimeStatus.Running));
        store.sendMessages(List.of(event(id, "waiting")));
        InstanceMetadata before = store.getInstance(id).orElseThrow();
        List<HistoryEvent> historyBefore = store.getHistory(id);

        assertThatThrownBy(() -> store.createInstance(id, started("Other", "2"), TERMINAL))
                .isInstanceOfSatisfying(InstanceAlreadyExistsException.class, e -> {
                    assertThat(e.instanceId()).isEqualTo(id);
                    assertThat(e.status()).isEqualTo(RuntimeStatus.Running);
                });

        assertThat(store.getInstance(id)).contains(before);
        assertThat(store.getHistory(id)).isEqualTo(historyBefore);
        assertThat(drain(store, id)).extracting(Fixtures::label).containsExactly("waiting");
    }

    @Test
    void createInstance_ofAPendingInstanceWithNoReplaceableStatuses_throwsAlreadyExists() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        store.createInstance(id, started("Checkout", "1"), Set.of());

        assertThatThrownBy(() -> store.createInstance(id, started("Checkout", "2"), Set.of()))
                .isInstanceOfSatisfying(InstanceAlreadyExistsException.class,
                        e -> assertThat(e.status()).isEqualTo(RuntimeStatus.Pending));
        assertThat(store.getInstance(id).orElseThrow().input()).isEqualTo("1");
        assertThat(claimFor(store, id).messages()).hasSize(1);
    }

    @Test
    void createInstance_whenTheExistingStatusIsReplaceable_startsANewExecutionWithoutTheOldData() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        ExecutionStarted first = started("Checkout", "1");
        store.createInstance(id, first, Set.of());
        OrchestrationWorkItem item = claimFor(store, id);
        store.completeOrchestrationWorkItem(item, new Checkpoint(
                item.instance().toBuilder().runtimeStatus(RuntimeStatus.Completed).output("\"done\"").build(),
                List.of(first), false, List.of(task(id, first.executionId(), 0)), List.of()));
        store.sendMessages(List.of(event(id, "late")));
        long oldRevision = store.getInstance(id).orElseThrow().revision();

        ExecutionStarted second = started("Checkout", "2");
        store.createInstance(id, second, TERMINAL);

        InstanceMetadata m = store.getInstance(id).orElseThrow();
        assertThat(m.runtimeStatus()).isEqualTo(RuntimeStatus.Pending);
        assertThat(m.executionId()).isEqualTo(second.executionId());
        assertThat(m.input()).isEqualTo("2");
        assertThat(m.output()).isNull();
        assertThat(m.revision()).as("revision keeps growing across replacement").isGreaterThan(oldRevision);
        assertThat(store.getHistory(id)).isEmpty();
        assertThat(drain(store, id)).extracting(InstanceMessage::event).containsExactly(second);
        assertNoActivityWork(store);
    }

    @Test
    void createInstance_replacingAClaimedInstance_fencesOutTheOldWorker() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        store.createInstance(id, started("Checkout", "1"), Set.of());
        OrchestrationWorkItem stale = claimFor(store, id);

        ExecutionStarted second = started("Checkout", "2");
        store.createInstance(id, second, Set.of(RuntimeStatus.Pending));

        assertThatThrownBy(() -> store.renewOrchestrationWorkItem(stale, LONG_LEASE))
                .isInstanceOf(LockLostException.class);
        assertThatThrownBy(() -> store.completeOrchestrationWorkItem(stale, new Checkpoint(
                stale.instance().toBuilder().runtimeStatus(RuntimeStatus.Running).build(), List.of(), false,
                List.of(), List.of()))).isInstanceOf(LockLostException.class);
        assertThat(store.getInstance(id).orElseThrow().runtimeStatus()).isEqualTo(RuntimeStatus.Pending);
        assertThat(drain(store, id)).extracting(InstanceMessage::event).containsExactly(second);
    }

    @Test
    void sendMessages_startForAMissingInstance_createsItLikeCreateInstance() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        ExecutionStarted started = Fixtures.startedWithParent("Child", "parent-1");

        store.sendMessages(List.of(startMessage(id, started)));

        InstanceMetadata m = store.getInstance(id).orElseThrow();
        assertThat(m.runtimeStatus()).isEqualTo(RuntimeStatus.Pending);
        assertThat(m.name()).isEqualTo("Child");
        assertThat(m.executionId()).isEqualTo(started.executionId());
        assertThat(m.parentInstanceId()).isEqualTo("parent-1");
        assertThat(drain(store, id)).extracting(InstanceMessage::event).containsExactly(started);
    }

    @Test
    void sendMessages_startAndEventsForANewInstanceInOneBatch_areDeliveredInOrder() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();

        store.sendMessages(List.of(startMessage(id, started("Child", "1")), event(id, "a"), event(id, "b")));

        assertThat(drain(store, id)).extracting(Fixtures::label).containsExactly("ExecutionStarted", "a", "b");
    }

    @Test
    void sendMessages_withAMessageForAMissingInstance_throwsAndEnqueuesNothing() {
        OrchestrationStore store = newTaskHub();
        String existing = newInstanceId();
        store.createInstance(existing, started("Checkout", "1"), Set.of());
        drain(store, existing);
        String missing = newInstanceId();
        String wouldBeCreated = newInstanceId();

        assertThatThrownBy(() -> store.sendMessages(List.of(event(existing, "first"),
                startMessage(wouldBeCreated, started("Child", "1")), event(missing, "lost"))))
                .isInstanceOfSatisfying(InstanceNotFoundException.class,
                        e -> assertThat(e.instanceId()).isEqualTo(missing));

        assertNoOrchestrationWork(store);
        assertThat(store.getInstance(wouldBeCreated)).isEmpty();
        assertThat(store.getInstance(missing)).isEmpty();
    }

    @Test
    void sendMessages_startForTheCurrentExecution_isEnqueued() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        ExecutionStarted started = started("Checkout", "1");
        store.createInstance(id, started, Set.of());
        drain(store, id);

        store.sendMessages(List.of(startMessage(id, started)));

        assertThat(drain(store, id)).extracting(InstanceMessage::event).containsExactly(started);
        assertThat(store.getInstance(id).orElseThrow().executionId()).isEqualTo(started.executionId());
    }

    @Test
    void sendMessages_startForATerminalInstance_replacesIt() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        InstanceMetadata old = createAndCheckpoint(store, id, started("Checkout", "1"),
                row -> row.runtimeStatus(RuntimeStatus.Failed));
        ExecutionStarted next = started("Checkout", "2");

        store.sendMessages(List.of(startMessage(id, next)));

        InstanceMetadata m = store.getInstance(id).orElseThrow();
        assertThat(m.executionId()).isEqualTo(next.executionId());
        assertThat(m.runtimeStatus()).isEqualTo(RuntimeStatus.Pending);
        assertThat(m.revision()).isGreaterThan(old.revision());
        assertThat(store.getHistory(id)).isEmpty();
        assertThat(drain(store, id)).extracting(InstanceMessage::event).containsExactly(next);
    }

    @Test
    void sendMessages_startThatReplacesNoStatus_leavesAFinishedInstanceAlone() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        InstanceMetadata done = createAndCheckpoint(store, id, started("Checkout", "1"),
                row -> row.runtimeStatus(RuntimeStatus.Completed));

        // the store applies the condition the message carries; it has no rule of its own
        store.sendMessages(List.of(InstanceMessage.start(id, started("Checkout", "2"), null, Set.of())));
        store.sendMessages(List.of(InstanceMessage.start(id, started("Checkout", "3"), null,
                Set.of(RuntimeStatus.Failed))));

        assertThat(store.getInstance(id)).contains(done);
        assertNoOrchestrationWork(store);
    }

    @Test
    void sendMessages_startForAnotherExecutionOfAnActiveInstance_isDropped() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        InstanceMetadata running = createAndCheckpoint(store, id, started("Checkout", "1"),
                row -> row.runtimeStatus(RuntimeStatus.Running));

        store.sendMessages(List.of(startMessage(id, started("Checkout", "2"))));

        assertThat(store.getInstance(id)).contains(running);
        assertNoOrchestrationWork(store);
    }

    @Test
    void getInstanceAndGetHistory_ofAMissingInstance_areEmpty() {
        OrchestrationStore store = newTaskHub();

        assertThat(store.getInstance("missing")).isEmpty();
        assertThat(store.getHistory("missing")).isEmpty();
    }
}
