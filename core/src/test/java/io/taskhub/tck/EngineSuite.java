package io.taskhub.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskhub.core.client.DefaultTaskhubClient;
import io.taskhub.core.registry.OrchestrationRegistry;
import io.taskhub.core.worker.TaskhubWorker;
import io.taskhub.ports.client.FunctionCatalog;
import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.client.StatusOptions;
import io.taskhub.ports.client.TaskhubClient;
import io.taskhub.ports.errors.IllegalInstanceStateException;
import io.taskhub.ports.errors.InstanceAlreadyExistsException;
import io.taskhub.ports.errors.InstanceNotFoundException;
import io.taskhub.ports.errors.InvalidArgumentException;
import io.taskhub.ports.errors.Refusal;
import io.taskhub.ports.history.EventRaised;
import io.taskhub.ports.history.ExecutionRewound;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.ExecutionTerminated;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.history.SubOrchestrationCompleted;
import io.taskhub.ports.history.TaskCompleted;
import io.taskhub.ports.history.TaskScheduled;
import io.taskhub.ports.history.TimerCreated;
import io.taskhub.ports.history.TimerFired;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.query.PurgeFilter;
import io.taskhub.ports.store.InstanceClaim;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.NameFilter;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.OrchestrationWorkItem;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The engine suite: real orchestrations, run by a real worker on the backend under test. Every backend
 * passes it unchanged.
 */
public abstract class EngineSuite extends EngineSuiteBase {

    @Test
    void helloSequence_completesWithTheThreeGreetingsInOrder() {
        String id = start("Hello", null);
        InstanceMetadata done = awaitCompletion(id);
        assertThat(done.runtimeStatus()).isEqualTo(RuntimeStatus.Completed);
        assertThat(done.output()).isEqualTo("[\"Hello Tokyo!\",\"Hello Seattle!\",\"Hello London!\"]");
        assertThat(eventsOf(history(id), TaskCompleted.class)).hasSize(3);
    }

    @Test
    void aStartMadeBesideItsWorker_runsWithoutBeingClaimed() {
        StartsSeen seen = startThreeBeside(workerOptions());

        if (handsStartsOver()) {
            assertThat(seen.claimed().get()).as("claims that took a start: the worker got them from their creation")
                    .isLessThan(3);
        } else {
            assertThat(seen.claimed()).as("a backend that declines: every start was claimed").hasValue(3);
        }
        if (!workerOptions().firstStepBeforeStore()) {
            assertThat(seen.storedWithStep()).as("stored with a first step only when the worker is asked to")
                    .hasValue(0);
        }
    }

    @Test
    void aStartMadeBesideAWorkerAskedTo_isStoredWithItsFirstStep_whereTheStoreCan() {
        StartsSeen seen = startThreeBeside(workerOptions().withFirstStepBeforeStore(true));

        if (handsStartsOver() && store.createsWithFirstStep()) {
            assertThat(seen.storedWithStep().get()).as("starts stored together with their first step, run before")
                    .isPositive();
            assertThat(seen.claimed().get()).as("claims that took a start").isLessThan(3);
        } else {
            assertThat(seen.storedWithStep()).as("a store that cannot is never asked to").hasValue(0);
        }
    }

    /** What the store saw of three starts made one after the other beside a worker run with {@code options}. */
    private record StartsSeen(AtomicInteger claimed, AtomicInteger storedWithStep) {
    }

    private StartsSeen startThreeBeside(io.taskhub.core.worker.WorkerOptions options) {
        StartsSeen seen = new StartsSeen(new AtomicInteger(), new AtomicInteger());
        OrchestrationStore watched = countingStarts(store, seen.claimed(), seen.storedWithStep());
        stopWorkers();
        TaskhubWorker worker = new TaskhubWorker(watched, registry, options).start();
        workers.add(worker);
        DefaultTaskhubClient beside = new DefaultTaskhubClient(watched, registry).handStartsTo(worker.startHandOff());

        // One after the other. A start goes to the worker when one of its places is free at that moment (a loop
        // looking for work holds one for the moment of its claim), else it is stored for claiming.
        for (int i = 0; i < 3; i++) {
            InstanceMetadata done = awaitCompletion(beside.startNew(StartInstanceRequest.of("Hello", null)));
            assertThat(done.output()).isEqualTo("[\"Hello Tokyo!\",\"Hello Seattle!\",\"Hello London!\"]");
        }
        return seen;
    }

    @Test
    void aStartHandedToAWorkerThatDied_runsOnceItsLeaseRunsOut() {
        String id = "died-" + java.util.UUID.randomUUID();
        store.createInstanceAndClaim(id, Fixtures.started("Hello", null), Set.of(),
                new InstanceClaim("a-worker-killed-before-the-first-step", Duration.ofSeconds(1), 100,
                        NameFilter.ANY));

        InstanceMetadata done = awaitCompletion(id);

        assertThat(done.runtimeStatus()).isEqualTo(RuntimeStatus.Completed);
        assertThat(eventsOf(history(id), ExecutionStarted.class)).as("one execution, started once").hasSize(1);
        assertThat(eventsOf(history(id), TaskCompleted.class)).hasSize(3);
    }

    /**
     * The store, counting the claims (of any kind) that deliver an instance's start message, and the instances
     * stored with their first step.
     */
    private static OrchestrationStore countingStarts(OrchestrationStore real, AtomicInteger claimedStarts,
            AtomicInteger storedWithStep) {
        return (OrchestrationStore) Proxy.newProxyInstance(OrchestrationStore.class.getClassLoader(),
                new Class<?>[] {OrchestrationStore.class}, (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("createInstanceWithStep") && result instanceof Optional<?> stored
                            && stored.isPresent()) {
                        storedWithStep.incrementAndGet();
                    } else if (!method.getName().equals("createInstanceAndClaim") && result instanceof Optional<?> found
                            && found.orElse(null) instanceof OrchestrationWorkItem item
                            && item.messages().stream().anyMatch(InstanceMessage::isStart)) {
                        claimedStarts.incrementAndGet();
                    }
                    return result;
                });
    }

    @Test
    void fanOutFanIn_of1000Activities_sumsEveryResult() {
        String id = start("FanOut", "1000");
        InstanceMetadata done = awaitCompletion(id);
        assertThat(done.runtimeStatus()).isEqualTo(RuntimeStatus.Completed);
        assertThat(done.output()).isEqualTo(String.valueOf(999L * 1000 / 2));
        assertThat(eventsOf(history(id), TaskScheduled.class)).hasSize(1000);
        assertThat(eventsOf(history(id), TaskCompleted.class)).hasSize(1000);
    }

    @Test
    void durableTimer_firesNoEarlierThanItsDueTime() {
        Instant before = Instant.now();
        String id = start("Timer", "300");
        InstanceMetadata done = awaitCompletion(id);
        assertThat(done.output()).isEqualTo("\"fired\"");
        TimerCreated created = eventsOf(history(id), TimerCreated.class).get(0);
        assertThat(eventsOf(history(id), TimerFired.class)).hasSize(1);
        assertThat(created.fireAt()).isAfterOrEqualTo(before.plusMillis(300).minusMillis(50));
        assertThat(done.completedAt()).isAfterOrEqualTo(created.fireAt());
    }

    @Test
    void externalEvent_raisedBeforeTheWait_isBufferedAndDelivered() {
        String id = start("FirstThenGo", null);
        awaitStatus(id, RuntimeStatus.Running);
        long running = metadata(id).revision();
        client.raiseEvent(id, "Go", "{\"early\":true}");
        awaitRevisionAfter(id, running); // "Go" is recorded while the orchestrator still waits for "First"
        assertThat(eventsOf(history(id), EventRaised.class)).extracting(EventRaised::name).containsExactly("Go");
        assertThat(metadata(id).runtimeStatus()).isEqualTo(RuntimeStatus.Running);

        client.raiseEvent(id, "First", "1");
        InstanceMetadata done = awaitCompletion(id);
        assertThat(done.output()).isEqualTo("{\"early\":true}");
        assertThat(eventsOf(history(id), EventRaised.class)).extracting(EventRaised::name)
                .containsExactly("Go", "First");
    }

    @Test
    void externalEvent_namesMatchCaseInsensitively() {
        String id = start("WaitEvent", null);
        awaitStatus(id, RuntimeStatus.Running);
        client.raiseEvent(id, "gO", "42");
        assertThat(awaitCompletion(id).output()).isEqualTo("42");
    }

    @Test
    void externalEvent_raisedWhileSuspended_isDeliveredAfterResume() throws Exception {
        String id = start("WaitEvent", null);
        awaitStatus(id, RuntimeStatus.Running);
        client.suspend(id, "hold on");
        awaitStatus(id, RuntimeStatus.Suspended);
        long suspendedRevision = metadata(id).revision();
        client.raiseEvent(id, "Go", "\"while suspended\"");
        awaitRevisionAfter(id, suspendedRevision);
        assertThat(metadata(id).runtimeStatus()).isEqualTo(RuntimeStatus.Suspended);
        client.resume(id, "go on");
        InstanceMetadata done = awaitCompletion(id);
        assertThat(done.runtimeStatus()).isEqualTo(RuntimeStatus.Completed);
        assertThat(done.output()).isEqualTo("\"while suspended\"");
    }

    @Test
    void externalEvent_withTimeout_givesUpWhenTheEventDoesNotCome() {
        String id = start("WaitEventWithTimeout", "200");
        assertThat(awaitCompletion(id).output()).isEqualTo("\"timed out\"");
    }

    @Test
    void externalEvent_withTimeout_returnsTheEventWhenItComesInTime() {
        String id = start("WaitEventWithTimeout", "60000");
        awaitStatus(id, RuntimeStatus.Running);
        client.raiseEvent(id, "Go", "\"in time\"");
        assertThat(awaitCompletion(id).output()).isEqualTo("\"in time\"");
    }

    @Test
    void suspendAndResume_flipTheStatus() {
        String id = start("WaitEvent", null);
        awaitStatus(id, RuntimeStatus.Running);
        client.suspend(id, "maintenance");
        awaitStatus(id, RuntimeStatus.Suspended);
        client.resume(id, "done");
        awaitStatus(id, RuntimeStatus.Running);
        client.raiseEvent(id, "Go", "1");
        assertThat(awaitCompletion(id).runtimeStatus()).isEqualTo(RuntimeStatus.Completed);
    }

    @Test
    void terminate_isRecursiveIntoSubOrchestrations() {
        String id = start("Grandparent", null);
        awaitStatus(id + ":parent:child", RuntimeStatus.Running);
        client.terminate(id, "enough", true);
        InstanceMetadata done = awaitCompletion(id);
        assertThat(done.runtimeStatus()).isEqualTo(RuntimeStatus.Terminated);
        assertThat(done.output()).isEqualTo("\"enough\"");
        assertThat(awaitCompletion(id + ":parent").runtimeStatus()).isEqualTo(RuntimeStatus.Terminated);
        assertThat(awaitCompletion(id + ":parent:child").runtimeStatus()).isEqualTo(RuntimeStatus.Terminated);
    }

    @Test
    void terminate_notRecursive_leavesTheChildRunning() {
        String id = start("Parent", null);
        awaitStatus(id + ":child", RuntimeStatus.Running);
        client.terminate(id, "only the parent", false);
        assertThat(awaitCompletion(id).runtimeStatus()).isEqualTo(RuntimeStatus.Terminated);
        // A recursive terminate would have been sent by the parent's last step, ahead of this event: once the
        // child has processed the event, it has processed anything the parent sent it.
        String child = id + ":child";
        long before = metadata(child).revision();
        client.raiseEvent(child, "Note", "1");
        awaitRevisionAfter(child, before);
        assertThat(eventsOf(history(child), EventRaised.class)).extracting(EventRaised::name).containsExactly("Note");
        assertThat(metadata(child).runtimeStatus()).isEqualTo(RuntimeStatus.Running);
    }

    @Test
    void terminate_ofAScheduledInstance_endsItBeforeItStarts() {
        String id = client.startNew(StartInstanceRequest.of("Hello", null)
                .withStartAt(Instant.now().plusSeconds(3600)));
        assertThat(metadata(id).runtimeStatus()).isEqualTo(RuntimeStatus.Pending);
        client.terminate(id, "never mind", true);
        assertThat(awaitCompletion(id).runtimeStatus()).isEqualTo(RuntimeStatus.Terminated);
        assertThat(eventsOf(history(id), TaskScheduled.class)).isEmpty();
    }

    @Test
    void scheduledStart_runsNoEarlierThanStartAt() {
        Instant startAt = Instant.now().plusMillis(800).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        String id = client.startNew(StartInstanceRequest.of("Hello", null).withStartAt(startAt));
        assertThat(metadata(id).runtimeStatus()).isEqualTo(RuntimeStatus.Pending);
        assertThat(metadata(id).scheduledStartAt()).isEqualTo(startAt);
        InstanceMetadata done = awaitCompletion(id);
        assertThat(done.runtimeStatus()).isEqualTo(RuntimeStatus.Completed);
        assertThat(eventsOf(history(id), ExecutionStarted.class).get(0).scheduledStartAt()).isEqualTo(startAt);
        assertThat(done.completedAt()).isAfterOrEqualTo(startAt);
    }

    @Test
    void rewind_rerunsOnlyTheFailedActivity_keepsSuccesses_andWorksWithATimerInHistory() {
        String id = start("Rewindable", null);
        InstanceMetadata failed = awaitCompletion(id);
        assertThat(failed.runtimeStatus()).isEqualTo(RuntimeStatus.Failed);
        assertThat(failed.failure().innerFailure().errorMessage()).contains("flaky activity failed");
        assertThat(eventsOf(history(id), TimerFired.class)).hasSize(1);

        TestOrchestrations.HEALED.put(id, true);
        client.rewind(id, "fixed it");
        assertThat(metadata(id).runtimeStatus()).as("read at once after the rewind was accepted")
                .isNotEqualTo(RuntimeStatus.Failed);
        InstanceMetadata done = awaitCompletion(id); // never the old Failed state
        assertThat(done.runtimeStatus()).isNotEqualTo(RuntimeStatus.Failed);
        assertThat(done.runtimeStatus()).isEqualTo(RuntimeStatus.Completed);
        assertThat(done.output()).isEqualTo("\"1:healed\"");
        assertThat(done.failure()).isNull();
        assertThat(TestOrchestrations.runs("Count", id)).as("the succeeded activity is not re-run").isEqualTo(1);
        assertThat(TestOrchestrations.runs("Flaky", id)).as("the failed activity is re-run once").isEqualTo(2);
        assertThat(eventsOf(history(id), ExecutionRewound.class)).hasSize(1);
        assertThat(eventsOf(history(id), TimerCreated.class)).hasSize(1);
    }

    @Test
    void rewind_recursesIntoTheFailedSubOrchestration() {
        String id = start("RewindableParent", null);
        assertThat(awaitCompletion(id).runtimeStatus()).isEqualTo(RuntimeStatus.Failed);
        String child = id + ":child";
        assertThat(metadata(child).runtimeStatus()).isEqualTo(RuntimeStatus.Failed);

        TestOrchestrations.HEALED.put(child, true);
        long failedRevision = metadata(id).revision();
        client.rewind(id, "fixed the child");
        InstanceMetadata done = awaitCompletionAfter(id, failedRevision);
        assertThat(done.runtimeStatus()).isEqualTo(RuntimeStatus.Completed);
        assertThat(done.output()).isEqualTo("\"1/1:healed\"");
        assertThat(metadata(child).runtimeStatus()).isEqualTo(RuntimeStatus.Completed);
        assertThat(TestOrchestrations.runs("Count", id)).isEqualTo(1);
        assertThat(TestOrchestrations.runs("Count", child)).isEqualTo(1);
        assertThat(TestOrchestrations.runs("Flaky", child)).isEqualTo(2);
    }

    /**
     * The failing step had started a sub-orchestration, which completed meanwhile. Rewinding redoes that step, so
     * the child is started again (a new execution, not mistaken for a copy of the first start).
     */
    @Test
    void rewind_ofTheStepThatStartedAChild_startsTheChildAgain_andTheParentCompletes() {
        String id = start("FailsAfterStartingChild", null);
        assertThat(awaitCompletion(id).runtimeStatus()).isEqualTo(RuntimeStatus.Failed);
        String child = id + ":echo";
        InstanceMetadata firstChild = awaitCompletion(child);
        assertThat(firstChild.runtimeStatus()).isEqualTo(RuntimeStatus.Completed);
        // The child's result reaches the failed parent as a late result, a step (and revision) of its own.
        Awaitility.await().atMost(java.time.Duration.ofMinutes(1))
                .until(() -> !eventsOf(history(id), SubOrchestrationCompleted.class).isEmpty());

        TestOrchestrations.HEALED.put(id, true);
        long failedRevision = metadata(id).revision();
        client.rewind(id, "fixed the parent");
        InstanceMetadata done = awaitCompletionAfter(id, failedRevision);

        assertThat(done.runtimeStatus()).isEqualTo(RuntimeStatus.Completed);
        assertThat(done.output()).isEqualTo("\"from the child\"");
        assertThat(metadata(child).executionId()).as("the child ran again").isNotEqualTo(firstChild.executionId());
    }

    @Test
    void rewind_afterRetriesWereExhausted_rerunsTheLastAttemptOnly() {
        String id = start("RetryFlaky", null);
        assertThat(awaitCompletion(id).runtimeStatus()).isEqualTo(RuntimeStatus.Failed);
        assertThat(TestOrchestrations.runs("Flaky", id)).isEqualTo(2);
        assertThat(eventsOf(history(id), TimerCreated.class)).as("the retry waited on a timer").hasSize(1);

        TestOrchestrations.HEALED.put(id, true);
        long failedRevision = metadata(id).revision();
        client.rewind(id, "retry once more");
        InstanceMetadata done = awaitCompletionAfter(id, failedRevision);
        assertThat(done.runtimeStatus()).isEqualTo(RuntimeStatus.Completed);
        assertThat(TestOrchestrations.runs("Flaky", id)).isEqualTo(3);
    }

    @Test
    void retryPolicy_retriesAFailingActivityUntilItSucceeds() {
        String id = start("Retry", null);
        InstanceMetadata done = awaitCompletion(id);
        assertThat(done.output()).isEqualTo("\"third time lucky\"");
        assertThat(TestOrchestrations.runs("FailTwice", id)).isEqualTo(3);
        assertThat(eventsOf(history(id), TimerCreated.class)).hasSize(2);
    }

    @Test
    void continueAsNew_keepsUnprocessedEventsForTheNextExecution() {
        String id = start("Accumulate", "0");
        awaitStatus(id, RuntimeStatus.Running);
        client.raiseEvent(id, "Add", "1");
        client.raiseEvent(id, "Add", "1");
        client.raiseEvent(id, "Add", "1");
        InstanceMetadata done = awaitCompletion(id);
        assertThat(done.runtimeStatus()).isEqualTo(RuntimeStatus.Completed);
        assertThat(done.output()).isEqualTo("3");
        List<ExecutionStarted> starts = eventsOf(history(id), ExecutionStarted.class);
        assertThat(starts).as("history shows only the current execution").hasSize(1);
        assertThat(starts.get(0).input()).isEqualTo("2");
    }

    @Test
    void subOrchestrationFailure_reachesTheParentWithTheChildsError() {
        String id = start("CatchChildFailure", null);
        InstanceMetadata done = awaitCompletion(id);
        assertThat(done.runtimeStatus()).isEqualTo(RuntimeStatus.Completed);
        assertThat(done.output()).contains("child broke: on purpose").contains("IllegalStateException");
    }

    @Test
    void subOrchestrationFailure_unhandled_failsTheParent() {
        String id = start("ParentOfFailingChild", null);
        InstanceMetadata done = awaitCompletion(id);
        assertThat(done.runtimeStatus()).isEqualTo(RuntimeStatus.Failed);
        assertThat(done.failure().innerFailure().errorMessage()).contains("child broke: unhandled");
        assertThat(metadata(id + ":child").runtimeStatus()).isEqualTo(RuntimeStatus.Failed);
        assertThat(metadata(id + ":child").parentInstanceId()).isEqualTo(id);
    }

    @Test
    void activityFailure_reachesTheOrchestratorWithErrorTypeAndMessage() {
        String id = start("CatchActivityFailure", null);
        assertThat(awaitCompletion(id).output())
                .isEqualTo("\"java.lang.IllegalArgumentException: bad input: x\"");
    }

    @Test
    void orchestratorException_failsTheInstanceWithItsDetails() {
        String id = start("Throws", null);
        InstanceMetadata done = awaitCompletion(id);
        assertThat(done.runtimeStatus()).isEqualTo(RuntimeStatus.Failed);
        assertThat(done.failure().errorType()).isEqualTo("java.lang.UnsupportedOperationException");
        assertThat(done.failure().errorMessage()).isEqualTo("orchestrator gave up");
        assertThat(done.output()).isNull();
    }

    @Test
    void customStatus_isVisibleWhileRunningAndUpdatedLater() {
        String id = start("CustomStatus", null);
        awaitStatus(id, RuntimeStatus.Running);
        assertThat(metadata(id).customStatus()).isEqualTo("{\"stage\":1}");
        client.raiseEvent(id, "Go", "true");
        InstanceMetadata done = awaitCompletion(id);
        assertThat(done.customStatus()).isEqualTo("\"done\"");
        assertThat(done.output()).isEqualTo("true");
    }

    @Test
    void restart_withNewId_startsACopyWithTheSameInput() {
        String id = start("Echo", "{\"x\":[1,2]}");
        awaitCompletion(id);
        String copy = client.restart(id, true);
        assertThat(copy).isNotEqualTo(id).matches("[0-9a-f]{32}");
        InstanceMetadata done = awaitCompletion(copy);
        assertThat(done.output()).isEqualTo("{\"x\":[1,2]}");
        assertThat(done.input()).isEqualTo("{\"x\":[1,2]}");
    }

    @Test
    void restart_withSameId_replacesTheFinishedInstance_andRefusesARunningOne() {
        String id = start("Echo", "\"first\"");
        InstanceMetadata first = awaitCompletion(id);
        assertThat(client.restart(id, false)).isEqualTo(id);
        assertThat(metadata(id).executionId()).as("read at once: the new execution, never the ended one")
                .isNotEqualTo(first.executionId());
        InstanceMetadata second = awaitCompletion(id);
        assertThat(second.output()).isEqualTo("\"first\"");
        assertThat(second.executionId()).isNotEqualTo(first.executionId());

        String running = start("WaitEvent", null);
        awaitStatus(running, RuntimeStatus.Running);
        assertThatThrownBy(() -> client.restart(running, false))
                .isInstanceOf(InstanceAlreadyExistsException.class)
                .hasMessage("An Orchestration instance with the status Running already exists.");
    }

    @Test
    void nonDeterminism_isDetectedAndNamedOnReplay() {
        stopWorkers();
        startWorker(workerOptions().withMaxCachedInstances(0));
        String id = start("NonDeterministic", null);
        InstanceMetadata done = awaitCompletion(id);
        assertThat(done.runtimeStatus()).isEqualTo(RuntimeStatus.Failed);
        assertThat(done.failure().errorType()).endsWith("NonDeterministicOrchestrationException");
        assertThat(done.failure().errorMessage()).contains("activity 'SayHello'").contains("activity 'Identity'")
                .contains("task #0");
    }

    @Test
    void orchestratorThatCatchesTheUnwindSignal_failsLoudly() {
        stopWorkers();
        startWorker(workerOptions().withMaxCachedInstances(0));
        String id = start("SwallowsUnwind", null);
        InstanceMetadata done = awaitCompletion(id);
        assertThat(done.runtimeStatus()).isEqualTo(RuntimeStatus.Failed);
        assertThat(done.failure().errorType()).isEqualTo("OrchestratorUnwindCaught");
        assertThat(done.failure().errorMessage()).contains("must not catch Throwable");
    }

    @Test
    void poisonActivity_failsTheInstanceAfterThePoisonLimit() {
        String id = start("CallsCrashingActivity", null);
        InstanceMetadata done = awaitCompletion(id);
        assertThat(done.runtimeStatus()).isEqualTo(RuntimeStatus.Failed);
        assertThat(done.failure().innerFailure().errorType()).isEqualTo("PoisonMessage");
        assertThat(TestOrchestrations.runs("Crash", id)).isEqualTo(workerOptions().poisonLimit());
    }

    @Test
    void duplicateActivityResult_isRecordedOnce() {
        String id = start("ActivityThenEvent", null);
        Awaitility.await().atMost(WAIT).until(() -> !eventsOf(history(id), TaskCompleted.class).isEmpty());
        TaskCompleted first = eventsOf(history(id), TaskCompleted.class).get(0);
        store.sendMessages(List.of(InstanceMessage.of(id,
                new TaskCompleted(Instant.now(), first.taskId(), "\"a duplicate\""))));
        client.raiseEvent(id, "Go", "\"now\"");
        InstanceMetadata done = awaitCompletion(id);
        assertThat(done.output()).isEqualTo("\"Hello once! now\"");
        assertThat(eventsOf(history(id), TaskCompleted.class)).hasSize(1);
    }

    @Test
    void workerRestart_midOrchestration_losesNothing() {
        String id = start("TimerThenEvent", null);
        awaitStatus(id, RuntimeStatus.Running);
        stopWorkers();
        client.raiseEvent(id, "Go", "\"after restart\"");
        startWorker(workerOptions());
        assertThat(awaitCompletion(id).output()).isEqualTo("\"after restart\"");
    }

    @Test
    void messagesAfterATermination_areDroppedAndCounted_alsoWithinTheStepThatTerminates() {
        String id = start("WaitEvent", null);
        awaitStatus(id, RuntimeStatus.Running);
        stopWorkers(); // every message below waits in the inbox: the next claim may take them all at once
        for (int i = 0; i < 3; i++) {
            client.raiseEvent(id, "Note", String.valueOf(i));
        }
        client.terminate(id, "first", false);
        for (int i = 3; i < 6; i++) {
            client.raiseEvent(id, "Note", String.valueOf(i));
        }
        client.terminate(id, "second", false);
        TaskhubWorker worker = startWorker(workerOptions());

        InstanceMetadata done = awaitCompletion(id);
        assertThat(done.runtimeStatus()).isEqualTo(RuntimeStatus.Terminated);
        assertThat(done.output()).isEqualTo("\"first\"");
        Awaitility.await().atMost(WAIT).until(() -> worker.droppedMessages().count() == 4);
        List<HistoryEvent> history = history(id);
        assertThat(eventsOf(history, EventRaised.class)).extracting(EventRaised::input)
                .containsExactly("0", "1", "2");
        assertThat(eventsOf(history, ExecutionTerminated.class)).hasSize(1);
        int terminated = history.indexOf(eventsOf(history, ExecutionTerminated.class).get(0));
        assertThat(history.subList(terminated, history.size())).noneMatch(EventRaised.class::isInstance);
    }

    @Test
    void workersTakeOnlyWhatTheyCanRun_andWorkNoWorkerCanRunWaitsForOneThatCan() {
        stopWorkers();
        boolean partitioned = store.bindsInstancesToPartitions();
        // One worker runs the orchestrators only, the other their activities only: neither can finish anything
        // alone, and neither may fail what it lacks. Where instances are bound to partitions, every partition
        // owner must run the orchestrators of its instances, so there the second runs them too; the activities
        // still reach only the worker that has them.
        OrchestrationRegistry orchestratorsOnly = new OrchestrationRegistry()
                .addOrchestrator("Hello", registry.orchestrator("Hello").orElseThrow())
                .addOrchestrator("FanOut", registry.orchestrator("FanOut").orElseThrow());
        OrchestrationRegistry activitiesOnly = new OrchestrationRegistry()
                .addActivity("SayHello", registry.activity("SayHello").orElseThrow())
                .addActivity("Identity", registry.activity("Identity").orElseThrow());
        if (partitioned) {
            activitiesOnly.addOrchestrator("Hello", registry.orchestrator("Hello").orElseThrow())
                    .addOrchestrator("FanOut", registry.orchestrator("FanOut").orElseThrow());
        }
        TaskhubWorker first = new TaskhubWorker(store, orchestratorsOnly, workerOptions()).start();
        TaskhubWorker second = new TaskhubWorker(store, activitiesOnly, workerOptions()).start();
        workers.add(first);
        workers.add(second);

        String waiting = start("WaitEvent", null); // a name no running worker has
        List<String> hellos = List.of(start("Hello", null), start("Hello", null));
        String fanOut = start("FanOut", "20");
        for (String id : hellos) {
            assertThat(awaitCompletion(id).output())
                    .isEqualTo("[\"Hello Tokyo!\",\"Hello Seattle!\",\"Hello London!\"]");
        }
        assertThat(awaitCompletion(fanOut).output()).isEqualTo("190");
        // Started before the others, which have all finished: had any worker taken it, it would have failed it.
        assertThat(metadata(waiting).runtimeStatus()).isEqualTo(RuntimeStatus.Pending);
        assertThat(history(waiting)).isEmpty();

        startWorker(workerOptions()); // a worker that has it
        if (partitioned) {
            // the rolling deployment: the old workers leave, and the new one takes over their partitions
            for (TaskhubWorker old : List.of(first, second)) {
                workers.remove(old);
                old.stop(Duration.ofSeconds(5));
            }
        }
        awaitStatus(waiting, RuntimeStatus.Running);
    }

    @Test
    void theStatusNamesWhatNoRunningWorkerHas_untilAWorkerThatHasItStarts() {
        stopWorkers();
        OrchestrationRegistry helloWithoutItsActivity = new OrchestrationRegistry()
                .addOrchestrator("Hello", registry.orchestrator("Hello").orElseThrow());
        TaskhubWorker partial = new TaskhubWorker(store, helloWithoutItsActivity, workerOptions()).start();
        workers.add(partial);

        String waiting = start("WaitEvent", null);
        String hello = start("Hello", null);
        awaitStatus(hello, RuntimeStatus.Running);
        Awaitility.await().atMost(WAIT).untilAsserted(() -> {
            assertThat(client.getStatus(waiting, StatusOptions.DEFAULT).orElseThrow().withoutWorker())
                    .containsExactly(new FunctionCatalog.Function(FunctionCatalog.Kind.ORCHESTRATOR, "WaitEvent",
                            null));
            assertThat(client.getStatus(hello, StatusOptions.WITH_HISTORY).orElseThrow().withoutWorker())
                    .as("read with its history, the status names the awaited activity too")
                    .containsExactly(new FunctionCatalog.Function(FunctionCatalog.Kind.ACTIVITY, "SayHello", null));
        });
        assertThat(client.liveWorkers()).singleElement().satisfies(w -> {
            assertThat(w.workerId()).isEqualTo(partial.options().workerId());
            assertThat(w.orchestrators()).containsExactly("Hello");
            assertThat(w.activities()).isEmpty();
        });

        startWorker(workerOptions()); // one that has them all
        if (store.bindsInstancesToPartitions()) {
            workers.remove(partial); // it leaves, and the new worker takes over its partitions
            partial.stop(Duration.ofSeconds(5));
        }
        assertThat(awaitCompletion(hello).runtimeStatus()).isEqualTo(RuntimeStatus.Completed);
        awaitStatus(waiting, RuntimeStatus.Running);
        Awaitility.await().atMost(WAIT).until(
                () -> client.getStatus(waiting, StatusOptions.WITH_HISTORY).orElseThrow().withoutWorker().isEmpty());
    }

    @Test
    void workNoRunningWorkerHas_isFailedOnceItWaitedLongerThanTheUnknownNameTimeout() {
        stopWorkers();
        OrchestrationRegistry helloWithoutItsActivity = new OrchestrationRegistry()
                .addOrchestrator("Hello", registry.orchestrator("Hello").orElseThrow());
        workers.add(new TaskhubWorker(store, helloWithoutItsActivity,
                workerOptions().withUnknownNameTimeout(Duration.ofSeconds(2))).start());

        String nobodys = start("WaitEvent", null);
        String hello = start("Hello", null);

        InstanceMetadata failed = awaitCompletion(nobodys);
        assertThat(failed.runtimeStatus()).isEqualTo(RuntimeStatus.Failed);
        assertThat(failed.failure().errorType()).isEqualTo("OrchestratorNotFound");
        assertThat(Duration.between(failed.createdAt(), failed.lastUpdatedAt())).as("only after the timeout")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        InstanceMetadata helloFailed = awaitCompletion(hello);
        assertThat(helloFailed.runtimeStatus()).as("the activity's failure is not handled").isEqualTo(
                RuntimeStatus.Failed);
        assertThat(helloFailed.failure().toString()).contains("ActivityNotFound").contains("SayHello");
    }

    @Test
    void aClientStartsWhatARunningWorkerHas_evenWhenItsOwnProcessDoesNotLoadIt() {
        // a management process without the plugins (an HTTP server in front of workers, the CLI)
        TaskhubClient bare = newClient(store, new OrchestrationRegistry());
        String id = bare.startNew(StartInstanceRequest.of("hello", null)); // names match case-insensitively
        assertThat(awaitCompletion(id).output())
                .isEqualTo("[\"Hello Tokyo!\",\"Hello Seattle!\",\"Hello London!\"]");
        assertThat(metadata(id).name()).as("stored as the worker registered it").isEqualTo("Hello");

        assertThatThrownBy(() -> bare.startNew(StartInstanceRequest.of("NoSuchOrchestrator", null)))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("NoSuchOrchestrator")
                .hasMessageContaining("Known orchestrators").hasMessageContaining("Hello");
    }

    @Test
    void raiseEvent_answersForTheInstanceFirst_thenForTheEvent() {
        String done = start("Echo", "1");
        awaitCompletion(done);
        assertThatThrownBy(() -> client.raiseEvent(done, "Late", "{not json"))
                .as("a finished instance is gone, whatever the payload")
                .isInstanceOfSatisfying(IllegalInstanceStateException.class,
                        e -> assertThat(e.refusal()).isEqualTo(Refusal.GONE));
        assertThatThrownBy(() -> client.raiseEvent("no-such-instance", "Late", "{not json"))
                .isInstanceOf(InstanceNotFoundException.class);
        String waiting = start("WaitEvent", null);
        assertThatThrownBy(() -> client.raiseEvent(waiting, "Go", "{not json"))
                .isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void purgeByFilter_anEmptyStatusSetMatchesNothing_andAnyFinishedStatusMeansThemAll() {
        Instant from = Instant.now().minusSeconds(1);
        String done = start("Echo", "1");
        awaitCompletion(done);
        Instant to = Instant.now().plusSeconds(1);

        assertThat(client.purge(new PurgeFilter(from, to, Set.of()), WAIT).deletedInstanceCount()).isZero();
        assertThat(client.purge(new PurgeFilter(from, to, Set.of(RuntimeStatus.Running)), WAIT)
                .deletedInstanceCount()).as("never an unfinished status").isZero();
        assertThat(client.getStatus(done, StatusOptions.DEFAULT)).isPresent();
        assertThat(client.purge(PurgeFilter.anyFinishedStatus(from, to), WAIT).deletedInstanceCount())
                .isEqualTo(1);
        assertThat(client.getStatus(done, StatusOptions.DEFAULT)).isEmpty();
    }

    /** Waits until a worker has processed something for the instance since {@code revision} was read. */
    protected void awaitRevisionAfter(String id, long revision) {
        Awaitility.await().atMost(WAIT).until(() -> metadata(id).revision() > revision);
    }
}
