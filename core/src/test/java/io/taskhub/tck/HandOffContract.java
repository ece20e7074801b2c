package io.taskhub.tck;

import static io.taskhub.tck.Fixtures.newInstanceId;
import static io.taskhub.tck.Fixtures.started;
import static io.taskhub.tck.Fixtures.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskhub.ports.errors.InstanceAlreadyExistsException;
import io.taskhub.ports.errors.LockLostException;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.TaskCompleted;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.ActivityClaim;
import io.taskhub.ports.store.ActivityTask;
import io.taskhub.ports.store.ActivityWorkItem;
import io.taskhub.ports.store.Checkpoint;
import io.taskhub.ports.store.InstanceClaim;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.NameFilter;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.OrchestrationWorkItem;
import io.taskhub.ports.store.StepCommit;
import io.taskhub.ports.store.TaskHandOff;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Work handed from one commit to the worker that made it: a step's activity tasks stored already leased to the
 * committing worker, and an activity's result committed together with the claim of its instance. Both are only
 * shortcuts: a store may decline them (then everything is stored for claiming, as without them), and what a
 * store hands off obeys the same leases as claimed work, so a worker that dies with it loses nothing.
 */
public abstract class HandOffContract extends StoreContractSupport {

    /** Whether the store hands work off; one that declines overrides this with false. */
    protected boolean handsOffWork() {
        return true;
    }

    /**
     * Whether the store hands a step's activity tasks to the committing worker; by default as {@link #handsOffWork},
     * and one that hands those over while declining the rest overrides this.
     */
    protected boolean handsOffTasks() {
        return handsOffWork();
    }

    /** Whether the store claims the next activity task together with a result; one that does overrides this. */
    protected boolean claimsNextActivity() {
        return false;
    }

    /**
     * Whether the store claims an instance again together with a step's commit
     * ({@link OrchestrationStore#completeOrchestrationWorkItemAndClaimAgain}); one that does overrides this.
     */
    protected boolean claimsAgain() {
        return false;
    }

    private static final String NAME = "Fanout";

    private static ActivityClaim nextActivity(NameFilter names) {
        return new ActivityClaim(WORKER, LONG_LEASE, names);
    }

    /** The instance's visible messages, as a worker's claim of it would take them. */
    private static List<String> inboxOf(OrchestrationStore store, String id) {
        return claimFor(store, id).messages().stream().map(m -> m.event().getClass().getSimpleName()).toList();
    }

    @Test
    void completeAndClaimNext_storesTheResult_andClaimsTheOldestVisibleTask() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        OrchestrationWorkItem step = firstStep(store, id);
        store.completeOrchestrationWorkItem(step, scheduling(step, 3), null);
        ActivityWorkItem first = store.claimActivityWorkItem(WORKER, LONG_LEASE).orElseThrow();

        Optional<ActivityWorkItem> next = store.completeActivityAndClaimNext(first, result(first),
                nextActivity(NameFilter.ANY));

        if (claimsNextActivity()) {
            ActivityWorkItem claimed = next.orElseThrow();
            assertThat(claimed.task().taskId()).as("the oldest visible task").isEqualTo(1);
            assertThat(claimed.lease().owner()).isEqualTo(WORKER);
            assertThat(claimed.dequeueCount()).isEqualTo(1);
            assertThat(store.claimActivityWorkItem(OTHER_WORKER, LONG_LEASE).orElseThrow().task().taskId())
                    .as("the claimed task is held by its lease").isEqualTo(2);
            store.completeActivityWorkItem(claimed, result(claimed));
        } else {
            assertThat(next).as("a store that declines claims nothing").isEmpty();
        }
        assertThat(inboxOf(store, id)).as("the results are stored").contains("TaskCompleted");
    }

    @Test
    void completeAndClaimNext_withNothingToClaim_storesTheResult() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        OrchestrationWorkItem step = firstStep(store, id);
        store.completeOrchestrationWorkItem(step, scheduling(step, 1), null);
        ActivityWorkItem only = store.claimActivityWorkItem(WORKER, LONG_LEASE).orElseThrow();

        assertThat(store.completeActivityAndClaimNext(only, result(only), nextActivity(NameFilter.ANY))).isEmpty();

        assertThat(inboxOf(store, id)).containsExactly("TaskCompleted");
    }

    @Test
    void completeAndClaimNext_claimsOnlyTasksOfActivitiesTheClaimAccepts() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        OrchestrationWorkItem step = firstStep(store, id);
        ExecutionStarted started = (ExecutionStarted) step.messages().get(0).event();
        store.completeOrchestrationWorkItem(step, new Checkpoint(step.instance().toBuilder()
                .runtimeStatus(RuntimeStatus.Running).build(), List.of(started), false, List.of(
                        new ActivityTask(id, started.executionId(), 0, "Here", null),
                        new ActivityTask(id, started.executionId(), 1, "Elsewhere", null),
                        new ActivityTask(id, started.executionId(), 2, "Here", null)), List.of()), null);
        ActivityWorkItem first = store.claimActivityWorkItem(WORKER, LONG_LEASE).orElseThrow();

        Optional<ActivityWorkItem> next = store.completeActivityAndClaimNext(first, result(first),
                nextActivity(NameFilter.only(Set.of("Here"))));

        if (claimsNextActivity()) {
            assertThat(next.orElseThrow().task().taskId()).as("the oldest task of an accepted name").isEqualTo(2);
        }
        assertThat(store.claimActivityWorkItem(OTHER_WORKER, LONG_LEASE).orElseThrow().task().name())
                .isEqualTo("Elsewhere");
    }

    @Test
    void completeAndClaimNext_withALostLease_storesAndClaimsNothing() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        OrchestrationWorkItem step = firstStep(store, id);
        store.completeOrchestrationWorkItem(step, scheduling(step, 3), null);
        ActivityWorkItem lost = store.claimActivityWorkItem(WORKER, SHORT_LEASE).orElseThrow();
        // Another worker takes tasks (in whatever order the store gives them, once the lease has run out for the
        // lost one) until it has the lost one.
        int takenByOther = 0;
        boolean retaken = false;
        while (!retaken) {
            ActivityWorkItem taken = eventually().until(() -> store.claimActivityWorkItem(OTHER_WORKER, LONG_LEASE),
                    Optional::isPresent).get();
            takenByOther++;
            retaken = taken.task().taskId() == lost.task().taskId();
        }

        assertThatThrownBy(() -> store.completeActivityAndClaimNext(lost, result(lost), nextActivity(NameFilter.ANY)))
                .isInstanceOf(LockLostException.class);

        assertNoOrchestrationWork(store); // no result stored
        if (claimsNextActivity()) {
            int left = 0;
            while (store.claimActivityWorkItem(OTHER_WORKER, LONG_LEASE).isPresent()) {
                left++;
            }
            assertThat(left).as("the tasks nobody held are all still there to claim").isEqualTo(3 - takenByOther);
        }
    }


    /** A started instance whose first step is claimed and not yet committed. */
    private static OrchestrationWorkItem firstStep(OrchestrationStore store, String id) {
        store.createInstance(id, started(NAME, null), Set.of());
        return claimFor(store, id);
    }

    /** A first step claimed by WORKER whose lease ran out, and the same instance taken over by OTHER_WORKER. */
    private record LostStep(OrchestrationWorkItem step, OrchestrationWorkItem takenOver) {
    }

    private static LostStep firstStepWhoseLeaseWasLost(OrchestrationStore store, String id) {
        store.createInstance(id, started(NAME, null), Set.of());
        OrchestrationWorkItem step = store.claimOrchestrationWorkItem(WORKER, SHORT_LEASE, 100).orElseThrow();
        waitUntilPast(store, step.lease().expiresAt());
        return new LostStep(step, store.claimOrchestrationWorkItem(OTHER_WORKER, LONG_LEASE, 100).orElseThrow());
    }

    private static Checkpoint scheduling(OrchestrationWorkItem item, int tasks) {
        ExecutionStarted started = (ExecutionStarted) item.messages().get(0).event();
        List<ActivityTask> scheduled = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            scheduled.add(task(item.instanceId(), started.executionId(), i));
        }
        return new Checkpoint(item.instance().toBuilder().runtimeStatus(RuntimeStatus.Running).build(),
                List.of(started), false, scheduled, List.of());
    }

    private static TaskHandOff handOff(int maxTasks, Duration lease) {
        return new TaskHandOff(WORKER, lease, maxTasks, NameFilter.ANY);
    }

    private static InstanceClaim claimNext(NameFilter names) {
        return new InstanceClaim(WORKER, LONG_LEASE, 100, names);
    }

    private static InstanceMessage result(ActivityWorkItem item) {
        return InstanceMessage.of(item.task().instanceId(),
                new TaskCompleted(Fixtures.now(), item.task().taskId(), "\"done " + item.task().taskId() + "\""));
    }

    /** Completes the step, handing off up to {@code maxTasks}; returns the activity work the worker holds. */
    private List<ActivityWorkItem> commitHandingOff(OrchestrationStore store, OrchestrationWorkItem step, int tasks,
            int maxTasks) {
        List<ActivityWorkItem> handed = store.completeOrchestrationWorkItem(step, scheduling(step, tasks),
                handOff(maxTasks, LONG_LEASE));
        if (!handsOffTasks()) {
            assertThat(handed).as("a store that declines hands nothing off").isEmpty();
            List<ActivityWorkItem> claimed = new ArrayList<>();
            for (int i = 0; i < Math.min(tasks, maxTasks); i++) {
                claimed.add(store.claimActivityWorkItem(WORKER, LONG_LEASE).orElseThrow());
            }
            return claimed;
        }
        return handed;
    }

    @Test
    void handOff_storesTheFirstTasksLeasedToTheCommitter_andLeavesTheRestForClaims() {
        Assumptions.assumeTrue(handsOffTasks(), "the store declines hand-offs of tasks");
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        OrchestrationWorkItem step = firstStep(store, id);

        List<ActivityWorkItem> handed = store.completeOrchestrationWorkItem(step, scheduling(step, 3),
                handOff(2, LONG_LEASE));

        assertThat(handed).extracting(h -> h.task().taskId()).containsExactly(0, 1);
        assertThat(handed).allSatisfy(h -> {
            assertThat(h.dequeueCount()).isEqualTo(1);
            assertThat(h.lease().owner()).isEqualTo(WORKER);
            assertThat(h.task().instanceId()).isEqualTo(id);
        });
        ActivityWorkItem rest = store.claimActivityWorkItem(OTHER_WORKER, LONG_LEASE).orElseThrow();
        assertThat(rest.task().taskId()).as("the task not handed off").isEqualTo(2);
        assertThat(store.claimActivityWorkItem(OTHER_WORKER, LONG_LEASE))
                .as("handed-off tasks are held by their lease").isEmpty();
        assertThat(store.getInstance(id).orElseThrow().runtimeStatus()).isEqualTo(RuntimeStatus.Running);
    }

    @Test
    void handOff_takesOnlyTasksOfActivitiesTheCommitterRuns() {
        Assumptions.assumeTrue(handsOffTasks(), "the store declines hand-offs of tasks");
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        OrchestrationWorkItem step = firstStep(store, id);
        ExecutionStarted started = (ExecutionStarted) step.messages().get(0).event();
        Checkpoint mixed = new Checkpoint(step.instance().toBuilder().runtimeStatus(RuntimeStatus.Running).build(),
                List.of(started), false, List.of(new ActivityTask(id, started.executionId(), 0, "Elsewhere", null),
                        new ActivityTask(id, started.executionId(), 1, "Here", null)), List.of());

        List<ActivityWorkItem> handed = store.completeOrchestrationWorkItem(step, mixed,
                new TaskHandOff(WORKER, LONG_LEASE, 2, NameFilter.only(Set.of("Here"))));

        assertThat(handed).extracting(h -> h.task().name()).containsExactly("Here");
        assertThat(store.claimActivityWorkItem(OTHER_WORKER, LONG_LEASE).orElseThrow().task().name())
                .isEqualTo("Elsewhere");
    }

    @Test
    void handedOffTask_isRenewedAndCompletedLikeAClaimedOne() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        ActivityWorkItem item = commitHandingOff(store, firstStep(store, id), 1, 1).get(0);

        ActivityWorkItem renewed = item.withLease(store.renewActivityWorkItem(item, LONG_LEASE));
        store.completeActivityWorkItem(renewed, result(renewed));

        assertThat(claimFor(store, id).messages()).extracting(InstanceMessage::event)
                .singleElement().isInstanceOf(TaskCompleted.class);
        assertNoActivityWork(store);
    }

    /** Starts instance {@code id} and commits its first step, which schedules one task handed to the committer. */
    private static ActivityWorkItem handOneTaskOff(OrchestrationStore store, String id, Duration lease) {
        OrchestrationWorkItem step = firstStep(store, id);
        return store.completeOrchestrationWorkItem(step, scheduling(step, 1), handOff(1, lease)).get(0);
    }

    @Test
    void handedOffTask_goesToAnotherWorker_whenItsLeaseRunsOut() {
        Assumptions.assumeTrue(handsOffTasks(), "the store declines hand-offs of tasks");
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        ActivityWorkItem handed = handOneTaskOff(store, id, SHORT_LEASE);

        waitUntilPast(store, handed.lease().expiresAt());
        // A service that hides the task itself (Azure Storage) shows it again by its own clock, which started a
        // request's time later than the lease's.
        ActivityWorkItem retaken = eventually().until(() -> store.claimActivityWorkItem(OTHER_WORKER, LONG_LEASE),
                Optional::isPresent).get();

        assertThat(retaken.task()).isEqualTo(handed.task());
        assertThat(retaken.dequeueCount()).as("the hand-off counted as the first delivery").isEqualTo(2);
        assertThatThrownBy(() -> store.completeActivityWorkItem(handed, result(handed)))
                .isInstanceOf(LockLostException.class);
        store.completeActivityWorkItem(retaken, result(retaken));
        assertThat(claimFor(store, id).messages()).as("one result, from the worker that took over").hasSize(1);
    }

    @Test
    void handedOffTask_givenBackUnstarted_isAFirstAttemptForTheNextWorker_andItsFailureCounts() {
        Assumptions.assumeTrue(handsOffTasks(), "the store declines hand-offs of tasks");
        OrchestrationStore store = newTaskHub();
        ActivityWorkItem handed = handOneTaskOff(store, newInstanceId(), LONG_LEASE);

        store.returnActivityWorkItem(handed);

        ActivityWorkItem next = eventually().until(() -> store.claimActivityWorkItem(OTHER_WORKER, SHORT_LEASE),
                Optional::isPresent).get();
        assertThat(next.task()).isEqualTo(handed.task());
        assertThat(next.dequeueCount()).as("the hand-off given back unstarted was no attempt").isEqualTo(1);
        waitUntilPast(store, next.lease().expiresAt()); // that worker died in the middle of it
        ActivityWorkItem after = eventually().until(() -> store.claimActivityWorkItem(WORKER, LONG_LEASE),
                Optional::isPresent).get();
        assertThat(after.dequeueCount()).as("the attempt that died counts").isEqualTo(2);
    }

    @Test
    void handOff_withALostStepLease_storesNoTask() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        LostStep lost = firstStepWhoseLeaseWasLost(store, id);
        OrchestrationWorkItem step = lost.step();
        OrchestrationWorkItem takenOver = lost.takenOver();

        // One task would be handed to WORKER and one stored for claims, had the commit gone through.
        assertThatThrownBy(() -> store.completeOrchestrationWorkItem(step, scheduling(step, 2),
                handOff(1, LONG_LEASE))).isInstanceOf(LockLostException.class);

        assertThat(store.claimActivityWorkItem(OTHER_WORKER, Duration.ofMillis(1)))
                .as("no task of the lost step").isEmpty();
        store.completeOrchestrationWorkItem(takenOver, Checkpoint.consumeOnly());
    }

    @Test
    void claimAgain_takesTheMessagesThatArrivedDuringTheStep_heldByTheCaller() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        List<ActivityWorkItem> handed = commitHandingOff(store, firstStep(store, id), 3, 3);
        store.completeActivityWorkItem(handed.get(0), result(handed.get(0)));
        OrchestrationWorkItem step = claimFor(store, id);
        // Results that arrive while the step runs.
        store.completeActivityWorkItem(handed.get(1), result(handed.get(1)));
        store.completeActivityWorkItem(handed.get(2), result(handed.get(2)));

        StepCommit committed = store.completeOrchestrationWorkItemAndClaimAgain(step, Checkpoint.consumeOnly(), null,
                claimNext(NameFilter.ANY));

        assertThat(committed.handedOff()).isEmpty();
        if (!claimsAgain()) {
            assertThat(committed.next()).as("a store that declines claims nothing").isEmpty();
            assertThat(claimFor(store, id).messages()).hasSize(2);
            return;
        }
        OrchestrationWorkItem next = committed.next().orElseThrow();
        assertThat(next.instanceId()).isEqualTo(id);
        assertThat(next.lease().owner()).isEqualTo(WORKER);
        assertThat(next.lease().token()).isNotEqualTo(step.lease().token());
        assertThat(next.dequeueCount()).isEqualTo(1);
        assertThat(next.messages()).extracting(m -> ((TaskCompleted) m.event()).taskId()).containsExactly(1, 2);
        assertThat(next.instance().runtimeStatus()).isEqualTo(RuntimeStatus.Running);
        assertNoOrchestrationWork(store);
        assertThatThrownBy(() -> store.completeOrchestrationWorkItem(step, Checkpoint.consumeOnly()))
                .as("the step's own lease ended with its commit").isInstanceOf(LockLostException.class);
        store.completeOrchestrationWorkItem(next, Checkpoint.consumeOnly());
        assertNoOrchestrationWork(store);
    }

    @Test
    void claimAgain_withNothingVisible_releasesTheInstance_andHandsOffTheStepsTasks() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        OrchestrationWorkItem step = firstStep(store, id);

        StepCommit committed = store.completeOrchestrationWorkItemAndClaimAgain(step, scheduling(step, 2),
                handOff(1, LONG_LEASE), claimNext(NameFilter.ANY));

        assertThat(committed.next()).isEmpty();
        assertThat(committed.handedOff()).hasSize(handsOffTasks() ? 1 : 0);
        assertThat(store.claimActivityWorkItem(OTHER_WORKER, LONG_LEASE)).as("the task left for claims").isPresent();
        store.sendMessages(List.of(Fixtures.event(id, "Ping")));
        assertThat(store.claimOrchestrationWorkItem(OTHER_WORKER, LONG_LEASE, 100)).as("the instance, let go")
                .hasValueSatisfying(item -> assertThat(item.instanceId()).isEqualTo(id));
    }

    @Test
    void claimAgain_passesOverAnOrchestratorTheCallerDoesNotRun() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        List<ActivityWorkItem> handed = commitHandingOff(store, firstStep(store, id), 2, 2);
        store.completeActivityWorkItem(handed.get(0), result(handed.get(0)));
        OrchestrationWorkItem step = claimFor(store, id);
        store.completeActivityWorkItem(handed.get(1), result(handed.get(1)));

        StepCommit committed = store.completeOrchestrationWorkItemAndClaimAgain(step, Checkpoint.consumeOnly(), null,
                claimNext(NameFilter.only(Set.of("SomethingElse"))));

        assertThat(committed.next()).isEmpty();
        OrchestrationWorkItem claimed = claimFor(store, id);
        assertThat(claimed.messages()).singleElement().extracting(m -> ((TaskCompleted) m.event()).taskId())
                .isEqualTo(1);
        assertThat(claimed.dequeueCount()).as("passing over did not count as a delivery").isEqualTo(1);
    }

    @Test
    void claimAgain_withALostStepLease_commitsAndClaimsNothing() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        LostStep lost = firstStepWhoseLeaseWasLost(store, id);
        OrchestrationWorkItem step = lost.step();
        OrchestrationWorkItem takenOver = lost.takenOver();
        store.sendMessages(List.of(Fixtures.event(id, "Ping")));

        assertThatThrownBy(() -> store.completeOrchestrationWorkItemAndClaimAgain(step, scheduling(step, 1), null,
                claimNext(NameFilter.ANY))).isInstanceOf(LockLostException.class);

        assertThat(store.claimActivityWorkItem(OTHER_WORKER, LONG_LEASE)).as("no task of the lost step").isEmpty();
        assertNoOrchestrationWork(store);
        store.completeOrchestrationWorkItem(takenOver, Checkpoint.consumeOnly());
        assertThat(claimFor(store, id).messages()).as("the message that came meanwhile").singleElement()
                .satisfies(m -> assertThat(m.event()).isInstanceOf(io.taskhub.ports.history.EventRaised.class));
    }

    @Test
    void completeAndClaim_returnsTheInstanceWithTheResult_heldByTheCaller() {
        Assumptions.assumeTrue(handsOffWork(), "the store declines hand-offs");
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        List<ActivityWorkItem> handed = commitHandingOff(store, firstStep(store, id), 2, 2);

        Optional<OrchestrationWorkItem> next = store.completeActivityWorkItem(handed.get(0), result(handed.get(0)),
                claimNext(NameFilter.ANY));

        OrchestrationWorkItem step = next.orElseThrow();
        assertThat(step.instanceId()).isEqualTo(id);
        assertThat(step.lease().owner()).isEqualTo(WORKER);
        assertThat(step.dequeueCount()).isEqualTo(1);
        assertThat(step.messages()).extracting(InstanceMessage::event).singleElement()
                .isInstanceOfSatisfying(TaskCompleted.class, done -> {
                    assertThat(done.taskId()).isEqualTo(0);
                    assertThat(done.result()).isEqualTo("\"done 0\"");
                });
        assertThat(step.instance().runtimeStatus()).isEqualTo(RuntimeStatus.Running);
        assertThat(store.claimOrchestrationWorkItem(OTHER_WORKER, LONG_LEASE, 100))
                .as("the instance is held by the caller").isEmpty();

        // A result that arrives while the caller holds the instance waits for the next claim.
        Optional<OrchestrationWorkItem> whileHeld = store.completeActivityWorkItem(handed.get(1),
                result(handed.get(1)), claimNext(NameFilter.ANY));
        assertThat(whileHeld).isEmpty();
        store.completeOrchestrationWorkItem(step, Checkpoint.consumeOnly());
        assertThat(claimFor(store, id).messages()).extracting(m -> ((TaskCompleted) m.event()).taskId())
                .containsExactly(1);
    }

    @Test
    void completeAndClaim_leavesAnInstanceAnotherWorkerHolds() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        ActivityWorkItem activity = commitHandingOff(store, firstStep(store, id), 1, 1).get(0);
        store.sendMessages(List.of(Fixtures.event(id, "Ping")));
        OrchestrationWorkItem held = store.claimOrchestrationWorkItem(OTHER_WORKER, LONG_LEASE, 100).orElseThrow();

        Optional<OrchestrationWorkItem> next = store.completeActivityWorkItem(activity, result(activity),
                claimNext(NameFilter.ANY));

        assertThat(next).isEmpty();
        store.completeOrchestrationWorkItem(held, Checkpoint.consumeOnly());
        assertThat(claimFor(store, id).messages()).as("the result, kept for the next claim").singleElement()
                .extracting(InstanceMessage::event).isInstanceOf(TaskCompleted.class);
    }

    @Test
    void completeAndClaim_passesOverAnOrchestratorTheCallerDoesNotRun() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        ActivityWorkItem activity = commitHandingOff(store, firstStep(store, id), 1, 1).get(0);

        Optional<OrchestrationWorkItem> next = store.completeActivityWorkItem(activity, result(activity),
                claimNext(NameFilter.only(Set.of("SomethingElse"))));

        assertThat(next).isEmpty();
        OrchestrationWorkItem claimed = claimFor(store, id);
        assertThat(claimed.messages()).singleElement().extracting(InstanceMessage::event)
                .isInstanceOf(TaskCompleted.class);
        assertThat(claimed.dequeueCount()).as("passing over did not count as a delivery").isEqualTo(1);
    }

    @Test
    void completeAndClaim_afterTheActivityLeaseWasLost_storesAndClaimsNothing() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        OrchestrationWorkItem step = firstStep(store, id);
        store.completeOrchestrationWorkItem(step, scheduling(step, 1), handOff(0, LONG_LEASE));
        ActivityWorkItem doomed = store.claimActivityWorkItem(WORKER, SHORT_LEASE).orElseThrow();
        waitUntilPast(store, doomed.lease().expiresAt());
        ActivityWorkItem retaken = store.claimActivityWorkItem(OTHER_WORKER, LONG_LEASE).orElseThrow();

        assertThatThrownBy(() -> store.completeActivityWorkItem(doomed, result(doomed), claimNext(NameFilter.ANY)))
                .isInstanceOf(LockLostException.class);

        assertNoOrchestrationWork(store);
        store.completeActivityWorkItem(retaken, result(retaken));
        assertThat(claimFor(store, id).messages()).hasSize(1);
    }

    @Test
    void completeAndClaim_forAPurgedInstance_dropsTheResultAndClaimsNothing() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        ActivityWorkItem activity = commitHandingOff(store, firstStep(store, id), 1, 1).get(0);
        assertThat(store.purgeInstance(id, Set.of(RuntimeStatus.Running))).isTrue();

        Optional<OrchestrationWorkItem> next;
        try {
            next = store.completeActivityWorkItem(activity, result(activity), claimNext(NameFilter.ANY));
        } catch (LockLostException purgedWithItsTasks) {
            next = Optional.empty(); // a store that deletes an instance's tasks with it
        }

        assertThat(next).isEmpty();
        assertNoOrchestrationWork(store);
        assertThat(store.getInstance(id)).isEmpty();
    }

    // ---- a result committed together with the step it brings -------------------------------------------------

    /** The step a worker computes from its own state when task 0's result arrives: it schedules task 1. */
    private static Checkpoint stepAfterFirstResult(OrchestrationStore store, String id, ActivityWorkItem done) {
        var row = store.getInstance(id).orElseThrow();
        return new Checkpoint(row.toBuilder().customStatus("\"second\"").build(),
                List.of(result(done).event(), new io.taskhub.ports.history.TaskScheduled(Fixtures.now(), 1, "Work",
                        null)), false, List.of(task(id, row.executionId(), 1)), List.of());
    }

    @Test
    void completeWithStep_recordsTheResultAndTheStep_inOneCommit_andHandsOffTheStepsTasks() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        ActivityWorkItem first = commitHandingOff(store, firstStep(store, id), 1, 1).get(0);
        long revision = store.getInstance(id).orElseThrow().revision();
        int historyBefore = store.getHistory(id).size();

        Optional<List<ActivityWorkItem>> committed = store.completeActivityWithStep(first, result(first), revision,
                stepAfterFirstResult(store, id, first), handOff(1, LONG_LEASE));

        if (!handsOffWork()) {
            assertThat(committed).as("a store that declines stores nothing").isEmpty();
            assertThat(store.getInstance(id).orElseThrow().revision()).isEqualTo(revision);
            return;
        }
        assertThat(committed.orElseThrow()).extracting(h -> h.task().taskId()).containsExactly(1);
        var row = store.getInstance(id).orElseThrow();
        assertThat(row.revision()).isEqualTo(revision + 1);
        assertThat(row.customStatus()).isEqualTo("\"second\"");
        assertThat(store.getHistory(id)).hasSize(historyBefore + 2)
                .filteredOn(TaskCompleted.class::isInstance).singleElement()
                .extracting(e -> ((TaskCompleted) e).taskId()).isEqualTo(0);
        assertNoOrchestrationWork(store); // the result never entered the inbox
        assertThat(store.claimActivityWorkItem(OTHER_WORKER, LONG_LEASE)).as("task 1 is the caller's").isEmpty();
        assertThatThrownBy(() -> store.completeActivityWorkItem(first, result(first)))
                .as("task 0 is done").isInstanceOf(LockLostException.class);
    }

    @Test
    void completeWithStep_declines_whenTheInstanceMovedOn_orHasAMessage_orIsHeld_andChangesNothing() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        ActivityWorkItem first = commitHandingOff(store, firstStep(store, id), 1, 1).get(0);
        long revision = store.getInstance(id).orElseThrow().revision();
        Checkpoint step = stepAfterFirstResult(store, id, first);

        assertThat(store.completeActivityWithStep(first, result(first), revision - 1, step, null))
                .as("a revision that is not the stored one").isEmpty();
        store.sendMessages(List.of(Fixtures.event(id, "Ping")));
        assertThat(store.completeActivityWithStep(first, result(first), revision, step, null))
                .as("a visible message waits: the step would skip it").isEmpty();
        OrchestrationWorkItem held = store.claimOrchestrationWorkItem(OTHER_WORKER, LONG_LEASE, 100).orElseThrow();
        assertThat(store.completeActivityWithStep(first, result(first), revision, step, null))
                .as("another worker holds the instance (with the message it took)").isEmpty();

        assertThat(store.getInstance(id).orElseThrow().revision()).isEqualTo(revision);
        store.completeOrchestrationWorkItem(held, Checkpoint.consumeOnly());
        store.completeActivityWorkItem(first, result(first)); // still the caller's: the usual way works
        assertThat(claimFor(store, id).messages()).singleElement().extracting(InstanceMessage::event)
                .isInstanceOf(TaskCompleted.class);
    }

    @Test
    void completeWithStep_afterTheActivityLeaseWasLost_throwsAndStoresNothing() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        OrchestrationWorkItem step = firstStep(store, id);
        store.completeOrchestrationWorkItem(step, scheduling(step, 1), handOff(0, LONG_LEASE));
        ActivityWorkItem doomed = store.claimActivityWorkItem(WORKER, SHORT_LEASE).orElseThrow();
        waitUntilPast(store, doomed.lease().expiresAt());
        ActivityWorkItem retaken = store.claimActivityWorkItem(OTHER_WORKER, LONG_LEASE).orElseThrow();
        long revision = store.getInstance(id).orElseThrow().revision();

        if (handsOffWork()) {
            assertThatThrownBy(() -> store.completeActivityWithStep(doomed, result(doomed), revision,
                    stepAfterFirstResult(store, id, doomed), null)).isInstanceOf(LockLostException.class);
        }

        assertThat(store.getInstance(id).orElseThrow().revision()).isEqualTo(revision);
        store.completeActivityWorkItem(retaken, result(retaken));
        assertThat(claimFor(store, id).messages()).hasSize(1);
    }

    // ---- a start handed to its creator ------------------------------------------------------------------------

    private static InstanceClaim creator(Duration lease, NameFilter names) {
        return new InstanceClaim(WORKER, lease, 100, names);
    }

    @Test
    void createAndClaim_handsTheNewInstanceToTheCaller_heldWithItsStartTaken() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        ExecutionStarted started = started(NAME, "\"in\"");

        Optional<OrchestrationWorkItem> created = store.createInstanceAndClaim(id, started, Set.of(),
                creator(LONG_LEASE, NameFilter.only(Set.of(NAME))));

        var row = store.getInstance(id).orElseThrow();
        assertThat(row.runtimeStatus()).as("created as any start is").isEqualTo(RuntimeStatus.Pending);
        if (!handsOffWork()) {
            assertThat(created).as("a store that declines creates the instance for claiming").isEmpty();
            assertThat(claimFor(store, id).messages()).singleElement().extracting(InstanceMessage::event)
                    .isEqualTo(started);
            return;
        }
        OrchestrationWorkItem item = created.orElseThrow();
        assertThat(item.instanceId()).isEqualTo(id);
        assertThat(item.lease().owner()).isEqualTo(WORKER);
        assertThat(item.dequeueCount()).as("as if claimed at the creation").isEqualTo(1);
        assertThat(item.messages()).singleElement().extracting(InstanceMessage::event).isEqualTo(started);
        assertThat(item.instance()).as("the stored row, revision included").isEqualTo(row);
        assertNoOrchestrationWork(store); // held: nobody else sees the start
        assertThat(store.getHistory(id)).as("a new instance has no history").isEmpty();

        store.completeOrchestrationWorkItem(item, new Checkpoint(row.toBuilder().runtimeStatus(RuntimeStatus.Running)
                .build(), List.of(started), false, List.of(), List.of()));
        assertThat(store.getInstance(id).orElseThrow().runtimeStatus()).isEqualTo(RuntimeStatus.Running);
        assertThat(store.getHistory(id)).containsExactly(started);
        assertNoOrchestrationWork(store); // the start was consumed by the step
    }

    @Test
    void createAndClaim_whoseLeaseRunsOut_leavesTheStartToAnotherWorker() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        ExecutionStarted started = started(NAME, null);
        Optional<OrchestrationWorkItem> created = store.createInstanceAndClaim(id, started, Set.of(),
                creator(SHORT_LEASE, NameFilter.ANY));
        Assumptions.assumeTrue(created.isPresent(), "the store hands starts over");
        OrchestrationWorkItem doomed = created.get();
        waitUntilPast(store, doomed.lease().expiresAt()); // its creator died before running it

        OrchestrationWorkItem retaken = store.claimOrchestrationWorkItem(OTHER_WORKER, LONG_LEASE, 100)
                .orElseThrow();
        assertThat(retaken.instanceId()).isEqualTo(id);
        assertThat(retaken.messages()).singleElement().extracting(InstanceMessage::event).isEqualTo(started);
        assertThat(retaken.dequeueCount()).as("the creator's hold counts as an attempt").isEqualTo(2);
        assertThatThrownBy(() -> store.completeOrchestrationWorkItem(doomed, Checkpoint.consumeOnly()))
                .isInstanceOf(LockLostException.class);
        store.completeOrchestrationWorkItem(retaken, Checkpoint.consumeOnly());
        assertNoOrchestrationWork(store);
    }

    @Test
    void createAndClaim_ofAnExistingId_aLaterStart_orAnotherName_createsForClaiming() {
        OrchestrationStore store = newTaskHub();
        InstanceClaim onlyOurs = creator(LONG_LEASE, NameFilter.only(Set.of(NAME)));

        String replaced = newInstanceId();
        store.createInstance(replaced, started(NAME, null), Set.of());
        OrchestrationWorkItem first = claimFor(store, replaced);
        store.completeOrchestrationWorkItem(first, new Checkpoint(first.instance().toBuilder()
                .runtimeStatus(RuntimeStatus.Completed).build(), List.of(), false, List.of(), List.of()));
        ExecutionStarted again = started(NAME, null);
        assertThat(store.createInstanceAndClaim(replaced, again, Set.of(RuntimeStatus.Completed), onlyOurs))
                .as("an id that existed is replaced, for claiming").isEmpty();
        assertThat(claimFor(store, replaced).messages()).singleElement().extracting(InstanceMessage::event)
                .isEqualTo(again);

        String later = newInstanceId();
        assertThat(store.createInstanceAndClaim(later, Fixtures.startedAt(NAME, Fixtures.now().plusSeconds(3600)),
                Set.of(), onlyOurs)).as("a start scheduled for later").isEmpty();
        assertThat(store.getInstance(later).orElseThrow().runtimeStatus()).isEqualTo(RuntimeStatus.Pending);
        assertNoOrchestrationWork(store);

        String other = newInstanceId();
        assertThat(store.createInstanceAndClaim(other, started("Elsewhere", null), Set.of(), onlyOurs))
                .as("an orchestrator the claim does not accept").isEmpty();
        assertThat(claimFor(store, other).lease().owner()).isEqualTo(WORKER);
    }

    @Test
    void createAndClaim_ofAnIdThatIsNotReplaceable_throws_andChangesNothing() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        ExecutionStarted first = started(NAME, "1");
        store.createInstance(id, first, Set.of());
        var before = store.getInstance(id).orElseThrow();

        assertThatThrownBy(() -> store.createInstanceAndClaim(id, started(NAME, "2"), Set.of(RuntimeStatus.Completed),
                creator(LONG_LEASE, NameFilter.ANY))).isInstanceOf(InstanceAlreadyExistsException.class);

        assertThat(store.getInstance(id).orElseThrow()).isEqualTo(before);
        assertThat(claimFor(store, id).messages()).singleElement().extracting(InstanceMessage::event)
                .isEqualTo(first);
    }

    /** A new instance's work item as the creator builds it before anything is stored: Pending, its start its message. */
    private static OrchestrationWorkItem unstored(OrchestrationStore store, String id, ExecutionStarted started) {
        java.time.Instant now = store.now();
        long revision = java.time.temporal.ChronoUnit.MICROS.between(java.time.Instant.EPOCH, now);
        return new OrchestrationWorkItem(id, io.taskhub.core.lifecycle.InstanceLifecycle.pending(id, started, now,
                revision), List.of(Fixtures.startMessage(id, started)), 1,
                new io.taskhub.ports.store.Lease(WORKER, "unstored", now.plus(LONG_LEASE)), null);
    }

    /** The first step: running, the start in its history, {@code tasks} scheduled, {@code messages} sent. */
    private static Checkpoint firstStepOf(OrchestrationWorkItem unstored, int tasks, List<InstanceMessage> messages) {
        ExecutionStarted started = (ExecutionStarted) unstored.messages().get(0).event();
        List<ActivityTask> scheduled = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            scheduled.add(task(unstored.instanceId(), started.executionId(), i));
        }
        return new Checkpoint(unstored.instance().toBuilder().runtimeStatus(RuntimeStatus.Running).build(),
                List.of(started), false, scheduled, messages);
    }

    @Test
    void createWithStep_storesTheInstanceAsItsFirstStepLeavesIt_andNoStartToClaim() {
        OrchestrationStore store = newTaskHub();
        Assumptions.assumeTrue(store.createsWithFirstStep(), "the store creates instances with their first step");
        String id = newInstanceId();
        OrchestrationWorkItem unstored = unstored(store, id, started(NAME, "\"in\""));
        Checkpoint first = firstStepOf(unstored, 2, List.of());

        List<ActivityWorkItem> handed = store.createInstanceWithStep(unstored, first, handOff(1, LONG_LEASE))
                .orElseThrow();

        var row = store.getInstance(id).orElseThrow();
        assertThat(row).as("the row as the step left it, one revision on")
                .isEqualTo(first.instance().toBuilder().revision(unstored.instance().revision() + 1).build());
        assertThat(store.getHistory(id)).isEqualTo(first.history());
        assertNoOrchestrationWork(store); // the start was never stored as a message
        assertThat(handed).as("as many as the hand-off takes").hasSize(1);
        ActivityWorkItem mine = handed.get(0);
        assertThat(mine.task().taskId()).isEqualTo(0);
        assertThat(mine.lease().owner()).isEqualTo(WORKER);
        assertThat(mine.dequeueCount()).isEqualTo(1);
        ActivityWorkItem forClaims = store.claimActivityWorkItem(OTHER_WORKER, LONG_LEASE).orElseThrow();
        assertThat(forClaims.task().taskId()).as("the task the hand-off did not take is for claims").isEqualTo(1);
        assertThat(store.claimActivityWorkItem(OTHER_WORKER, LONG_LEASE)).as("the handed one is held").isEmpty();

        store.completeActivityWorkItem(mine, result(mine));
        assertThat(inboxOf(store, id)).as("its result reaches the instance as any result").containsExactly(
                "TaskCompleted");
    }

    @Test
    void createWithStep_ofAnIdThatExists_storesNothing() {
        OrchestrationStore store = newTaskHub();
        Assumptions.assumeTrue(store.createsWithFirstStep(), "the store creates instances with their first step");
        String id = newInstanceId();
        ExecutionStarted existing = started(NAME, "1");
        store.createInstance(id, existing, Set.of());
        var before = store.getInstance(id).orElseThrow();
        OrchestrationWorkItem unstored = unstored(store, id, started(NAME, "2"));
        String other = newInstanceId();
        store.createInstance(other, started("Other", null), Set.of());

        assertThat(store.createInstanceWithStep(unstored, firstStepOf(unstored, 1, List.of(Fixtures.event(other,
                "Sent"))), handOff(1, LONG_LEASE))).isEmpty();

        assertThat(store.getInstance(id).orElseThrow()).isEqualTo(before);
        assertThat(store.getHistory(id)).isEmpty();
        assertThat(store.claimActivityWorkItem(OTHER_WORKER, LONG_LEASE)).as("no task of the dropped step").isEmpty();
        assertThat(claimFor(store, id).messages()).singleElement().extracting(InstanceMessage::event)
                .isEqualTo(existing);
        assertThat(inboxOf(store, other)).as("nor its message").containsExactly("ExecutionStarted");
    }

    @Test
    void createWithStep_deliversTheStepsMessages_withIt() {
        OrchestrationStore store = newTaskHub();
        Assumptions.assumeTrue(store.createsWithFirstStep(), "the store creates instances with their first step");
        String other = newInstanceId();
        store.createInstance(other, started("Other", null), Set.of());
        String id = newInstanceId();
        OrchestrationWorkItem unstored = unstored(store, id, started(NAME, null));

        assertThat(store.createInstanceWithStep(unstored, firstStepOf(unstored, 0, List.of(Fixtures.event(other,
                "Sent"))), null)).hasValue(List.of());

        assertThat(store.getInstance(id).orElseThrow().runtimeStatus()).isEqualTo(RuntimeStatus.Running);
        assertThat(inboxOf(store, other)).containsExactly("ExecutionStarted", "EventRaised");
    }

    @Test
    void createWithStep_ofAFirstStepThatContinuesAsNew_storesTheNewExecution() {
        OrchestrationStore store = newTaskHub();
        Assumptions.assumeTrue(store.createsWithFirstStep(), "the store creates instances with their first step");
        String id = newInstanceId();
        OrchestrationWorkItem unstored = unstored(store, id, started(NAME, "1"));
        ExecutionStarted next = started(NAME, "2");
        // As a step that continues as new leaves it: the history replaced by nothing, the row the new execution's,
        // and the new execution's start sent to the instance itself.
        Checkpoint continued = new Checkpoint(unstored.instance().toBuilder().executionId(next.executionId())
                .input("2").build(), List.of(), true, List.of(), List.of(Fixtures.startMessage(id, next)));

        assertThat(store.createInstanceWithStep(unstored, continued, null)).hasValue(List.of());

        assertThat(store.getInstance(id).orElseThrow().executionId()).isEqualTo(next.executionId());
        assertThat(store.getHistory(id)).isEmpty();
        assertThat(claimFor(store, id).messages()).singleElement().extracting(InstanceMessage::event).isEqualTo(next);
    }
}
