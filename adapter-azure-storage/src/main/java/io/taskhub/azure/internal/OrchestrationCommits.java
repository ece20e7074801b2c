package io.taskhub.azure.internal;

import io.taskhub.azure.internal.ControlQueueBuffer.Buffered;
import io.taskhub.azure.internal.InstanceRows.InstanceRow;
import io.taskhub.azure.internal.OrchestrationClaims.ClaimReceipt;
import io.taskhub.ports.errors.LockLostException;
import io.taskhub.ports.history.EventRaised;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.history.SubOrchestrationCompleted;
import io.taskhub.ports.history.SubOrchestrationFailed;
import io.taskhub.ports.history.TaskCompleted;
import io.taskhub.ports.history.TaskFailed;
import io.taskhub.ports.history.TimerFired;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.store.ActivityTask;
import io.taskhub.ports.store.ActivityWorkItem;
import io.taskhub.ports.store.Checkpoint;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.Lease;
import io.taskhub.ports.store.OrchestrationWorkItem;
import io.taskhub.ports.store.TaskHandOff;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews, completes and abandons orchestration work items. Completion is the checkpoint protocol; without a
 * transaction across queues and tables, it is ordered so that a crash at any point loses nothing and commits
 * no step twice:
 * <ol>
 *   <li>the partition must still be this worker's, under the epoch of the claim;</li>
 *   <li>the outbox is sent: activity tasks, timers, messages to this and other instances. Their ids derive
 *       from the step (instance, checkpoint number, message), so a step re-run after a crash sends the same ids
 *       and receivers drop the copies; results wait at the receiver until this step's row is written;</li>
 *   <li>the history rows and the sentinel, conditional on the sentinel's ETag from the claim (the commit
 *       point: a stale worker fails here). The sentinel records the consumed message ids and a copy of the
 *       new instance row;</li>
 *   <li>the instance row, conditional on its ETag (repaired from the sentinel's copy if this write is lost);</li>
 *   <li>the consumed messages are deleted (a copy that survives a crash here is dropped at the next claim).</li>
 * </ol>
 */
final class OrchestrationCommits {
    private static final Logger LOG = LoggerFactory.getLogger(OrchestrationCommits.class);

    private final PartitionManager partitions;
    private final ControlQueueBuffer buffer;
    private final QueueOps queues;
    private final Outbox outbox;
    private final StartRules starts;
    private final InstanceRows instances;
    private final HistoryRows history;
    private final CurrentExecutions executions;
    private final ActivityQueue activities;
    private final Waiter waiter;
    private final ParallelIo parallel;
    private final ParallelIo renewals;
    /** Tests simulate a crash between two steps of the protocol by throwing from here. */
    private volatile Consumer<String> crashPoint = step -> { };

    /**
     * @param parallel for bulk calls (outboxes, deletions)
     * @param renewals for lease renewals, apart so that a large outbox never delays them past their expiry
     */
    public OrchestrationCommits(PartitionManager partitions, ControlQueueBuffer buffer, QueueOps queues,
            Outbox outbox, StartRules starts, InstanceRows instances, HistoryRows history,
            CurrentExecutions executions, ActivityQueue activities, Waiter waiter, ParallelIo parallel,
            ParallelIo renewals) {
        this.executions = executions;
        this.activities = activities;
        this.parallel = parallel;
        this.renewals = renewals;
        this.partitions = partitions;
        this.buffer = buffer;
        this.queues = queues;
        this.outbox = outbox;
        this.starts = starts;
        this.instances = instances;
        this.history = history;
        this.waiter = waiter;
    }

    public Lease renew(OrchestrationWorkItem item, Duration lease) {
        ClaimReceipt receipt = receipt(item);
        if (!buffer.isLatest(item.instanceId(), receipt.token())) {
            throw new LockLostException("Instance " + item.instanceId() + " was claimed again after this work"
                    + " item's lease ran out, or the work item is finished.");
        }
        requireOwnership(item, receipt);
        if (!receipt.completing().get()) {
            requireUnchangedRow(item, receipt); // while committing, the row may already be this step's own
        }
        List<Runnable> updates = new ArrayList<>();
        for (Buffered b : receipt.messages()) {
            updates.add(() -> {
                if (!b.held().isDeleted() && !queues.update(b.held(), lease, null)) {
                    throw new LockLostException("A message of instance " + item.instanceId()
                            + " was received by another worker; the work item's lease is lost.");
                }
            });
        }
        renewals.runAll(updates);
        Instant until = null;
        for (Buffered b : receipt.messages()) {
            if (!b.held().isDeleted()) {
                until = until == null || b.held().visibleUntil().isBefore(until) ? b.held().visibleUntil() : until;
            }
        }
        if (until == null) {
            return item.lease();
        }
        buffer.expireAt(item.instanceId(), receipt.token(), until);
        return item.lease().renewedUntil(until);
    }

    public void abandon(OrchestrationWorkItem item, Duration retryDelay) {
        release(item, retryDelay, true);
    }

    /** Gives the work item back unstarted: visible at once, its claim not counted as an attempt. */
    public void giveBack(OrchestrationWorkItem item) {
        release(item, Duration.ZERO, false);
    }

    private void release(OrchestrationWorkItem item, Duration retryDelay, boolean counted) {
        ClaimReceipt receipt = receipt(item);
        if (!buffer.isLatest(item.instanceId(), receipt.token())) {
            return; // another claim took the instance over: its messages are not this work item's to release
        }
        try {
            for (Buffered b : receipt.messages()) {
                try {
                    // Given back unstarted, the message keeps the attempt record it came with.
                    Buffered stored = counted ? receipt.asStored(b) : b;
                    queues.update(b.held(), retryDelay, buffer.bodyForReturn(stored, counted));
                } catch (RuntimeException e) {
                    LOG.debug("Could not abandon message {}: {}", b.held(), e.getMessage());
                }
            }
        } finally {
            buffer.unlock(item.instanceId(), receipt.token());
        }
    }

    /**
     * Commits the step (the protocol above); the first {@code handOff.maxTasks()} of its tasks that the committing
     * worker runs are sent held by this process and returned as its work items. Like every message of the outbox,
     * they are sent before the commit point: a commit that fails after them gives them back at once, as first
     * attempts, for any worker (a step that was not committed is run again and sends the same tasks; the results
     * of both are recognised as copies, as the outbox's other messages are).
     *
     * @param handOff the tasks to hand to the committing worker, or null for none
     */
    public List<ActivityWorkItem> complete(OrchestrationWorkItem item, Checkpoint checkpoint, TaskHandOff handOff) {
        ClaimReceipt receipt = receipt(item);
        ActivityWorkItem[] handed = new ActivityWorkItem[checkpoint.activityTasks().size()];
        String instanceId = item.instanceId();
        try {
            if (!buffer.isHeld(instanceId, receipt.token())) {
                throw new LockLostException("The lease on instance " + instanceId + " ran out (or the work item"
                        + " was already completed); another worker may be processing its messages.");
            }
            requireOwnership(item, receipt);
            requireUnchangedRow(item, receipt);
            receipt.completing().set(true);
            InstanceRow row = receipt.row();
            if (!checkpoint.activityTasks().isEmpty()) {
                // The row was read just now: the tasks this step schedules need not read it again to run.
                executions.seen(instanceId, row.metadata().executionId());
            }
            Sentinel sentinel = receipt.sentinel();
            InstanceMetadata next = checkpoint.instance();
            long newRevision = next != null ? row.revision() + 1 : row.revision();

            sendOutbox(instanceId, receipt, checkpoint, newRevision, handOff, handed);
            crashPoint.accept("outbox");

            String executionId = next != null ? next.executionId()
                    : sentinel.exists() ? sentinel.executionId() : row.metadata().executionId();
            boolean newGeneration = checkpoint.replaceHistory() || !sentinel.exists()
                    || !executionId.equals(sentinel.executionId());
            Map<String, Object> rowProperties = next == null ? null
                    : instances.toProperties(next.toBuilder().revision(newRevision).build(), newRevision,
                            row.parentRevision(), row);
            history.commit(instanceId, sentinel, executionId, newGeneration, checkpoint.history(),
                    receipt.messageIds(), rowProperties, Instant.now(), receipt.token());
            crashPoint.accept("history");

            if (rowProperties != null) {
                writeRow(instanceId, rowProperties, row);
            }
            crashPoint.accept("row");
            // A message not deleted (already gone, or a crash) is dropped at its next claim: its id is recorded.
            parallel.runAll(receipt.messages().stream().<Runnable>map(b -> () -> queues.delete(b.held())).toList());
            if (newGeneration && sentinel.exists()) {
                deleteOldHistory(instanceId, sentinel.generation() + 1);
            }
        } catch (RuntimeException e) {
            giveBack(handed);
            throw e;
        } finally {
            buffer.unlock(instanceId, receipt.token());
        }
        LOG.debug("Committed a step of {} ({} events)", instanceId, checkpoint.history().size());
        waiter.signal();
        List<ActivityWorkItem> ready = new ArrayList<>();
        for (ActivityWorkItem task : handed) {
            if (task != null) {
                activities.readyToRun(task, handOff.leaseDuration()).ifPresent(ready::add);
            }
        }
        return ready;
    }

    /** The tasks a failed commit had handed off: visible at once, unstarted, for any worker. */
    private void giveBack(ActivityWorkItem[] handed) {
        for (ActivityWorkItem task : handed) {
            if (task != null) {
                activities.giveBack(task);
            }
        }
    }

    /** For tests: {@code crash} is called after each step ("outbox", "history", "row") and may throw. */
    void crashPoint(Consumer<String> crash) {
        this.crashPoint = crash == null ? step -> { } : crash;
    }

    /** Sends the step's messages; the tasks it hands off go into {@code handed}, at their index among the tasks. */
    private void sendOutbox(String instanceId, ClaimReceipt receipt, Checkpoint checkpoint, long newRevision,
            TaskHandOff handOff, ActivityWorkItem[] handed) {
        InstanceRow row = receipt.row();
        StepIds ids = new StepIds(instanceId + "/" + receipt.sentinel().executionId() + "/"
                + receipt.sentinel().checkpoints());
        List<Runnable> sends = new ArrayList<>();
        List<ActivityTask> tasks = checkpoint.activityTasks();
        int handOffPlaces = handOff == null ? 0 : handOff.maxTasks();
        for (int i = 0; i < tasks.size(); i++) {
            ActivityTask task = tasks.get(i);
            String id = ids.next("task:" + task.executionId() + ":" + task.taskId());
            TaskEnvelope envelope = Outbox.task(id, task, newRevision);
            if (handOffPlaces > 0 && handOff.names().accepts(task.name())) {
                handOffPlaces--;
                int slot = i;
                TaskEnvelope sent = envelope.withAttempt(1);
                sends.add(() -> handed[slot] = ActivityQueue.handedOff(
                        outbox.sendHeld(sent, handOff.leaseDuration()), sent, task, handOff.owner()));
            } else {
                sends.add(() -> outbox.send(envelope));
            }
        }
        for (InstanceMessage message : checkpoint.messages()) {
            String id = ids.next(message.instanceId() + ":" + key(message.event()));
            if (message.instanceId().equals(instanceId)) {
                Envelope envelope = Outbox.envelope(id, message, newRevision, null);
                sends.add(() -> outbox.send(envelope));
            } else if (message.event() instanceof ExecutionStarted start) {
                sends.add(() -> starts.send(message.instanceId(), start, id, newRevision, message.replaces()));
            } else {
                Long waitFor = isResultForParent(message, row.metadata()) && row.parentRevision() > 0
                        ? row.parentRevision() : null;
                Envelope envelope = Outbox.envelope(id, message, waitFor, null);
                sends.add(() -> outbox.send(envelope));
            }
        }
        parallel.runAll(sends);
    }

    private void writeRow(String instanceId, Map<String, Object> properties, InstanceRow previous) {
        try {
            instances.replace(instanceId, properties, previous.etag());
        } catch (RuntimeException e) {
            if (StorageErrors.isPreconditionFailed(e) || StorageErrors.isNotFound(e)) {
                throw new LockLostException("Instance " + instanceId + " was replaced or purged while its step"
                        + " was being committed (HTTP " + StorageErrors.status(e) + ").");
            }
            throw StorageErrors.wrap("write instance " + instanceId, e);
        }
    }

    private void deleteOldHistory(String instanceId, int currentGeneration) {
        try {
            history.deleteGenerationsBefore(instanceId, currentGeneration);
        } catch (RuntimeException e) {
            LOG.debug("Old history rows of {} stay until purge: {}", instanceId, e.getMessage());
        }
    }

    private void requireOwnership(OrchestrationWorkItem item, ClaimReceipt receipt) {
        if (!partitions.owns(receipt.partition(), receipt.epoch())) {
            throw new LockLostException("Partition " + receipt.partition() + " of instance " + item.instanceId()
                    + " is no longer owned by this worker (epoch " + receipt.epoch() + ").");
        }
    }

    /** The row must be as claimed: a client replacing or purging the instance fences its old work items. */
    private void requireUnchangedRow(OrchestrationWorkItem item, ClaimReceipt receipt) {
        String etag = instances.read(item.instanceId(), false).map(InstanceRow::etag).orElse(null);
        if (!receipt.row().etag().equals(etag)) {
            throw new LockLostException("Instance " + item.instanceId() + " was " + (etag == null ? "purged"
                    : "replaced") + " since its work item was claimed.");
        }
    }

    private static boolean isResultForParent(InstanceMessage message, InstanceMetadata instance) {
        HistoryEvent event = message.event();
        return (event instanceof SubOrchestrationCompleted || event instanceof SubOrchestrationFailed)
                && instance.parent() != null && instance.parent().instanceId().equals(message.instanceId());
    }

    private static ClaimReceipt receipt(OrchestrationWorkItem item) {
        if (item.receipt() instanceof ClaimReceipt receipt) {
            return receipt;
        }
        throw new IllegalArgumentException("Work item of " + item.instanceId() + " was not claimed from this store.");
    }

    /** What distinguishes a message within a step, timestamps (which differ on a re-run) left out. */
    private static String key(HistoryEvent event) {
        String discriminator;
        if (event instanceof TaskCompleted e) {
            discriminator = String.valueOf(e.taskId());
        } else if (event instanceof TaskFailed e) {
            discriminator = String.valueOf(e.taskId());
        } else if (event instanceof TimerFired e) {
            discriminator = String.valueOf(e.timerId());
        } else if (event instanceof SubOrchestrationCompleted e) {
            discriminator = String.valueOf(e.taskId());
        } else if (event instanceof SubOrchestrationFailed e) {
            discriminator = String.valueOf(e.taskId());
        } else if (event instanceof EventRaised e) {
            discriminator = e.name() + "#" + Objects.hashCode(e.input());
        } else if (event instanceof ExecutionStarted e) {
            discriminator = e.name();
        } else {
            discriminator = "";
        }
        return event.eventType() + ":" + discriminator;
    }

    /** Deterministic message ids for one step: the same step re-run produces the same ids. */
    private static final class StepIds {
        private final String step;
        private final Map<String, Integer> occurrences = new HashMap<>();

        StepIds(String step) {
            this.step = step;
        }

        String next(String key) {
            int occurrence = occurrences.merge(key, 1, Integer::sum);
            return UUID.nameUUIDFromBytes((step + "|" + key + "|" + occurrence).getBytes(StandardCharsets.UTF_8))
                    .toString();
        }
    }
}
