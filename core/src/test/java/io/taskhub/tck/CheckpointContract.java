package io.taskhub.tck;

import static io.taskhub.tck.Fixtures.delayedEvent;
import static io.taskhub.tck.Fixtures.event;
import static io.taskhub.tck.Fixtures.newInstanceId;
import static io.taskhub.tck.Fixtures.startMessage;
import static io.taskhub.tck.Fixtures.started;
import static io.taskhub.tck.Fixtures.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskhub.ports.errors.LockLostException;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.history.OrchestratorCompleted;
import io.taskhub.ports.history.OrchestratorStarted;
import io.taskhub.ports.history.TaskScheduled;
import io.taskhub.ports.history.TimerCreated;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.ActivityWorkItem;
import io.taskhub.ports.store.Checkpoint;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.OrchestrationWorkItem;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Completing an orchestration step commits everything it produced together, or nothing. */
public abstract class CheckpointContract extends StoreContractSupport {

    /** An instance with a consumed start, a claimed step, and the ids its checkpoint talks to. */
    private record Scenario(OrchestrationStore store, String id, ExecutionStarted started, String other,
            String child, String missing) {
    }

    private Scenario scenario() {
        OrchestrationStore store = newTaskHub();
        Scenario s = new Scenario(store, "main-" + newInstanceId(), started("Main", "{\"n\":1}"),
                "other-" + newInstanceId(), "child-" + newInstanceId(), "missing-" + newInstanceId());
        store.createInstance(s.other, started("Other", null), Set.of());
        drain(store, s.other);
        store.createInstance(s.id, s.started, Set.of());
        return s;
    }

    /** Everything a step can produce: history, a new row, a task, a delayed self message, and three sends. */
    private static Checkpoint fullStep(Scenario s, OrchestrationWorkItem item, Instant at) {
        List<HistoryEvent> history = List.of(new OrchestratorStarted(at), s.started,
                new TaskScheduled(at, 0, "Charge", "12"), new TimerCreated(at, 1, at.plus(Duration.ofHours(1))),
                new OrchestratorCompleted(at));
        InstanceMetadata row = item.instance().toBuilder().runtimeStatus(RuntimeStatus.Running)
                .customStatus("\"charging\"").lastUpdatedAt(at).build();
        List<InstanceMessage> outbox = List.of(
                delayedEvent(s.id, "timer", at.plus(Duration.ofHours(1))),
                event(s.other, "hello"),
                startMessage(s.child, Fixtures.startedWithParent("Child", s.id)),
                event(s.missing, "dropped"));
        return new Checkpoint(row, history, false, List.of(task(s.id, s.started.executionId(), 0)), outbox);
    }

    @Test
    void complete_commitsHistoryRowTasksAndMessagesAndConsumesOnlyTheDeliveredMessages() {
        Scenario s = scenario();
        OrchestrationStore store = s.store;
        OrchestrationWorkItem item = claimFor(store, s.id);
        store.sendMessages(List.of(event(s.id, "arrivedAfterClaim")));
        Instant at = Fixtures.now();
        Checkpoint step = fullStep(s, item, at);

        store.completeOrchestrationWorkItem(item, step);

        assertThat(store.getHistory(s.id)).isEqualTo(step.history());
        InstanceMetadata row = store.getInstance(s.id).orElseThrow();
        assertThat(row.toBuilder().revision(0).build()).isEqualTo(step.instance().toBuilder().revision(0).build());
        assertThat(row.revision()).isGreaterThan(item.instance().revision());
        assertThat(row.lastUpdatedAt()).isEqualTo(at);
        ActivityWorkItem activity = store.claimActivityWorkItem(WORKER, LONG_LEASE).orElseThrow();
        assertThat(activity.task()).isEqualTo(step.activityTasks().get(0));
        assertThat(store.getInstance(s.child).orElseThrow().runtimeStatus()).isEqualTo(RuntimeStatus.Pending);
        assertThat(store.getInstance(s.missing)).as("messages to missing instances are dropped").isEmpty();
        List<String> claimed = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            OrchestrationWorkItem next = claim(store);
            next.messages().forEach(m -> claimed.add(next.instanceId() + ":" + Fixtures.label(m)));
        }
        assertThat(claimed).containsExactlyInAnyOrder(s.id + ":arrivedAfterClaim", s.other + ":hello",
                s.child + ":ExecutionStarted");
        assertNoOrchestrationWork(store);
    }

    @Test
    void complete_withALostLease_changesNothingAtAll() {
        Scenario s = scenario();
        OrchestrationStore store = s.store;
        OrchestrationWorkItem stale = store.claimOrchestrationWorkItem(WORKER, SHORT_LEASE, 100).orElseThrow();
        store.sendMessages(List.of(event(s.id, "arrivedAfterClaim")));
        InstanceMetadata before = store.getInstance(s.id).orElseThrow();
        OrchestrationWorkItem current = eventually().until(
                () -> store.claimOrchestrationWorkItem(OTHER_WORKER, LONG_LEASE, 100), Optional::isPresent).get();

        assertThatThrownBy(() -> store.completeOrchestrationWorkItem(stale, fullStep(s, stale, Fixtures.now())))
                .isInstanceOf(LockLostException.class);

        assertThat(store.getInstance(s.id)).contains(before);
        assertThat(store.getHistory(s.id)).isEmpty();
        assertNoActivityWork(store);
        assertThat(store.getInstance(s.child)).isEmpty();
        assertNoOrchestrationWork(store); // "other" received nothing; "main" is held by the current worker
        assertThat(current.messages()).extracting(Fixtures::label)
                .containsExactly("ExecutionStarted", "arrivedAfterClaim");
        store.completeOrchestrationWorkItem(current, Checkpoint.consumeOnly());
        assertNoOrchestrationWork(store);
    }

    @Test
    void complete_replacingHistory_dropsTheEarlierEvents() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        ExecutionStarted first = started("Loop", "1");
        createAndCheckpoint(store, id, first, row -> row.runtimeStatus(RuntimeStatus.Running));
        store.sendMessages(List.of(event(id, "next")));
        OrchestrationWorkItem item = claimFor(store, id);
        ExecutionStarted second = new ExecutionStarted(Fixtures.now(), "Loop", null, "2", Fixtures.newExecutionId(),
                null, null, null);
        List<HistoryEvent> fresh = List.of(new OrchestratorStarted(Fixtures.now()), second);

        store.completeOrchestrationWorkItem(item, new Checkpoint(
                item.instance().toBuilder().executionId(second.executionId()).input("2").build(), fresh, true,
                List.of(), List.of()));

        assertThat(store.getHistory(id)).isEqualTo(fresh);
        assertThat(store.getInstance(id).orElseThrow().executionId()).isEqualTo(second.executionId());
    }

    @Test
    void complete_appendsToTheHistoryOfEarlierSteps() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        createAndCheckpoint(store, id, started("Steps", null), row -> row.runtimeStatus(RuntimeStatus.Running));
        List<HistoryEvent> firstStep = store.getHistory(id);
        store.sendMessages(List.of(event(id, "go")));
        OrchestrationWorkItem item = claimFor(store, id);
        List<HistoryEvent> secondStep = List.of(new OrchestratorStarted(Fixtures.now()),
                item.messages().get(0).event(), new OrchestratorCompleted(Fixtures.now()));

        store.completeOrchestrationWorkItem(item, Fixtures.historyOnly(secondStep));

        List<HistoryEvent> expected = new ArrayList<>(firstStep);
        expected.addAll(secondStep);
        assertThat(store.getHistory(id)).isEqualTo(expected);
    }

    @Test
    void complete_withAContinueAsNewStartToItself_enqueuesTheNewExecutionsStart() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        createAndCheckpoint(store, id, started("Loop", "1"), row -> row.runtimeStatus(RuntimeStatus.Running));
        store.sendMessages(List.of(event(id, "again")));
        OrchestrationWorkItem item = claimFor(store, id);
        ExecutionStarted next = new ExecutionStarted(Fixtures.now(), "Loop", null, "2", Fixtures.newExecutionId(),
                null, null, null);

        store.completeOrchestrationWorkItem(item, new Checkpoint(
                item.instance().toBuilder().executionId(next.executionId()).runtimeStatus(RuntimeStatus.Pending)
                        .input("2").build(), List.of(), true, List.of(), List.of(startMessage(id, next))));

        assertThat(store.getHistory(id)).isEmpty();
        assertThat(drain(store, id)).extracting(InstanceMessage::event).containsExactly(next);
    }

    @Test
    void complete_consumeOnly_removesTheMessagesAndKeepsTheRow() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        InstanceMetadata running = createAndCheckpoint(store, id, started("Steps", null),
                row -> row.runtimeStatus(RuntimeStatus.Running).customStatus("\"s\""));
        List<HistoryEvent> history = store.getHistory(id);
        store.sendMessages(List.of(event(id, "duplicate")));

        store.completeOrchestrationWorkItem(claimFor(store, id), Checkpoint.consumeOnly());

        assertThat(store.getInstance(id).orElseThrow().toBuilder().revision(0).build())
                .isEqualTo(running.toBuilder().revision(0).build());
        assertThat(store.getHistory(id)).isEqualTo(history);
        assertNoOrchestrationWork(store);
    }

    @Test
    void complete_releasesTheInstanceSoMessagesThatArrivedMeanwhileAreClaimable() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        store.createInstance(id, started("Steps", null), Set.of());
        OrchestrationWorkItem item = claimFor(store, id);
        store.sendMessages(List.of(event(id, "meanwhile")));
        assertThat(store.claimOrchestrationWorkItem(OTHER_WORKER, LONG_LEASE, 10)).isEmpty();

        store.completeOrchestrationWorkItem(item, Checkpoint.consumeOnly());

        OrchestrationWorkItem next = store.claimOrchestrationWorkItem(OTHER_WORKER, LONG_LEASE, 10).orElseThrow();
        assertThat(next.messages()).extracting(Fixtures::label).containsExactly("meanwhile");
        assertThat(next.dequeueCount()).isEqualTo(1);
    }

    @Test
    void complete_twiceWithTheSameWorkItem_isRejectedTheSecondTime() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        store.createInstance(id, started("Steps", null), Set.of());
        OrchestrationWorkItem item = claimFor(store, id);
        store.completeOrchestrationWorkItem(item, Fixtures.historyOnly(List.of(item.messages().get(0).event())));

        assertThatThrownBy(() -> store.completeOrchestrationWorkItem(item,
                Fixtures.historyOnly(List.of(item.messages().get(0).event()))))
                .isInstanceOf(LockLostException.class);
        assertThat(store.getHistory(id)).hasSize(1);
    }

    @Test
    void abandon_makesTheMessagesVisibleAgainAfterTheDelayWithARaisedDequeueCount() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        store.createInstance(id, started("Steps", null), Set.of());
        OrchestrationWorkItem first = claimFor(store, id);
        Instant abandonedAt = store.now();

        store.abandonOrchestrationWorkItem(first, Duration.ofMillis(800));

        OrchestrationWorkItem second = InboxContract.claimWhenVisible(store, abandonedAt.plusMillis(800));
        assertThat(second.messages()).isEqualTo(first.messages());
        assertThat(first.dequeueCount()).isEqualTo(1);
        assertThat(second.dequeueCount()).isEqualTo(2);
    }

    @Test
    void abandon_withALongDelay_hidesTheMessagesAndReleasesTheInstanceForNewOnes() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        store.createInstance(id, started("Steps", null), Set.of());
        OrchestrationWorkItem item = claimFor(store, id);
        store.sendMessages(List.of(event(id, "meanwhile")));

        store.abandonOrchestrationWorkItem(item, Duration.ofHours(1));

        OrchestrationWorkItem next = store.claimOrchestrationWorkItem(OTHER_WORKER, LONG_LEASE, 10).orElseThrow();
        assertThat(next.messages()).extracting(Fixtures::label).containsExactly("meanwhile");
    }

    @Test
    void abandon_withALostLease_isIgnored() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        store.createInstance(id, started("Steps", null), Set.of());
        OrchestrationWorkItem stale = store.claimOrchestrationWorkItem(WORKER, SHORT_LEASE, 10).orElseThrow();
        OrchestrationWorkItem current = eventually().until(
                () -> store.claimOrchestrationWorkItem(OTHER_WORKER, LONG_LEASE, 10), Optional::isPresent).get();

        store.abandonOrchestrationWorkItem(stale, Duration.ZERO);

        assertNoOrchestrationWork(store);
        store.completeOrchestrationWorkItem(current, Fixtures.historyOnly(List.of(current.messages().get(0).event())));
        assertThat(store.getHistory(id)).hasSize(1);
    }
}
