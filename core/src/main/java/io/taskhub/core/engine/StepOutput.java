package io.taskhub.core.engine;

import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.model.FailureDetails;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.ActivityTask;
import io.taskhub.ports.store.Checkpoint;
import io.taskhub.ports.store.InstanceMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** What one step produces, gathered while processing, then turned into one {@link Checkpoint}. */
final class StepOutput {
    final InstanceMetadata instance;
    final Instant now;
    final List<HistoryEvent> history = new ArrayList<>();
    final List<ActivityTask> activityTasks = new ArrayList<>();
    final List<InstanceMessage> messages = new ArrayList<>();
    /** The context of the step's span: what the activities and sub-orchestrations it schedules carry. */
    String traceParent;
    /** The context stored with the instance: what its next execution (continue-as-new) carries. */
    String instanceTraceParent;

    private List<HistoryEvent> replacedPrefix;
    private boolean instanceUnchanged;
    private boolean reopened;
    private RuntimeStatus foldedStatus;
    private RuntimeStatus finalStatus;
    private String output;
    private FailureDetails failure;
    private boolean customStatusSet;
    private String customStatus;
    private String newExecutionId;
    private String newInput;

    StepOutput(InstanceMetadata instance, Instant now) {
        this.instance = instance;
        this.now = now;
    }

    void leaveInstanceUnchanged() {
        instanceUnchanged = true;
    }

    boolean changesInstance() {
        return !instanceUnchanged;
    }

    /** The stored history is replaced by {@code prefix} followed by this step's events (rewind). */
    void replaceHistory(List<HistoryEvent> prefix) {
        replacedPrefix = List.copyOf(prefix);
    }

    boolean replacesHistory() {
        return replacedPrefix != null;
    }

    /** A failed instance runs again: its failure and completion time are cleared. */
    void reopen() {
        reopened = true;
    }

    void status(RuntimeStatus folded) {
        foldedStatus = folded;
    }

    void customStatus(String json) {
        customStatusSet = true;
        customStatus = json;
    }

    /** The failure the execution ended with in this step, as one line; null unless it failed. */
    String failureSummary() {
        return finalStatus == RuntimeStatus.Failed && failure != null ? failure.summary() : null;
    }

    void complete(RuntimeStatus status, String result, FailureDetails failureDetails) {
        finalStatus = status;
        output = result;
        failure = failureDetails;
    }

    /** Logs how the execution ended, if this step ended it (call once the step is committed). */
    void logEnd() {
        LifecycleLog.ended(instance, finalStatus, output, failure);
    }

    void continueAsNew(String executionId, String input) {
        finalStatus = RuntimeStatus.ContinuedAsNew;
        newExecutionId = executionId;
        newInput = input;
    }

    Checkpoint toCheckpoint() {
        if (instanceUnchanged) {
            return new Checkpoint(null, List.of(), false, activityTasks, messages);
        }
        InstanceMetadata.Builder row = instance.toBuilder().lastUpdatedAt(now);
        if (reopened) {
            row.output(null).failure(null).completedAt(null);
        }
        if (customStatusSet) {
            row.customStatus(customStatus);
        }
        RuntimeStatus status = finalStatus != null ? finalStatus
                : foldedStatus != null ? foldedStatus : instance.runtimeStatus();
        row.runtimeStatus(status);
        if (status.isTerminal()) {
            row.output(output).failure(failure).completedAt(now);
        }
        if (newExecutionId != null) {
            // The next execution starts with a fresh history; its start message is in this step's outbox.
            row.executionId(newExecutionId).input(newInput).output(null).failure(null);
            return new Checkpoint(row.build(), List.of(), true, activityTasks, messages);
        }
        if (replacedPrefix != null) {
            List<HistoryEvent> all = new ArrayList<>(replacedPrefix);
            all.addAll(history);
            return new Checkpoint(row.build(), all, true, activityTasks, messages);
        }
        return new Checkpoint(row.build(), history, false, activityTasks, messages);
    }
}
