package io.taskhub.core.memory;

import io.taskhub.core.lifecycle.InstanceLifecycle;
import io.taskhub.ports.errors.InstanceAlreadyExistsException;
import io.taskhub.ports.errors.InstanceNotFoundException;
import io.taskhub.ports.errors.LockLostException;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.query.PurgeFilter;
import io.taskhub.ports.model.PurgeResult;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.ActivityTask;
import io.taskhub.ports.store.ActivityWorkItem;
import io.taskhub.ports.store.Checkpoint;
import io.taskhub.ports.store.InstanceClaim;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.Lease;
import io.taskhub.ports.store.NameFilter;
import io.taskhub.ports.store.OrchestrationWorkItem;
import io.taskhub.ports.store.TaskHandOff;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * All data of one task hub and the rules for changing it. Not thread-safe: every method runs under the
 * owning {@link InMemoryStore}'s lock, which is what makes each operation atomic.
 */
final class HubState {
    /** What an orchestration work item's receipt holds: the inbox entries it delivered. */
    record InboxReceipt(List<Long> sequences) {
    }

    /** How state changes reach waiting threads. */
    interface Signals {
        /** A message or task was enqueued or released. */
        void workChanged();

        /** Some instance's revision changed, or an instance was deleted. */
        void instanceChanged();
    }

    private final Map<String, StoredInstance> instances = new HashMap<>();
    private final ActivityQueue activities = new ActivityQueue();
    private final Signals signals;
    /** One arrival order for messages and tasks alike; "oldest" always means the lowest sequence. */
    private long nextSequence = 1;
    /**
     * The highest revision ever given to any instance. A new instance starts above it, so an instance id that
     * is purged and created again never shows a revision a cache may still hold for the old instance.
     */
    private long highestRevision;

    HubState(Signals signals) {
        this.signals = signals;
    }

    StoredInstance instance(String instanceId) {
        return instances.get(instanceId);
    }

    Collection<StoredInstance> instances() {
        return instances.values();
    }

    ActivityQueue activities() {
        return activities;
    }

    void clear() {
        instances.clear();
        activities.clear();
        signals.instanceChanged();
        signals.workChanged();
    }

    // ---- instances and messages -------------------------------------------------------------------------

    void createInstance(String instanceId, ExecutionStarted started, Set<RuntimeStatus> replaceable, Instant now) {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(started, "started");
        StoredInstance existing = instances.get(instanceId);
        if (existing != null && (replaceable == null || !replaceable.contains(existing.metadata.runtimeStatus()))) {
            throw new InstanceAlreadyExistsException(instanceId, existing.metadata.runtimeStatus());
        }
        start(new InstanceMessage(instanceId, started.executionId(), started, started.scheduledStartAt()), now);
    }

    /** Creates the instance and, when its id was new, its start visible now and its name accepted, claims it. */
    Optional<OrchestrationWorkItem> createInstanceAndClaim(String instanceId, ExecutionStarted started,
            Set<RuntimeStatus> replaceable, InstanceClaim claim, Instant now) {
        boolean createdNew = !instances.containsKey(instanceId);
        createInstance(instanceId, started, replaceable, now);
        StoredInstance created = instances.get(instanceId);
        if (!createdNew || !claim.names().accepts(started.name()) || created.oldestVisible(now) == null) {
            return Optional.empty();
        }
        return Optional.of(take(created, Leases.newLease(claim.owner(), claim.leaseDuration(), now),
                claim.maxMessages(), now));
    }

    /** See {@link io.taskhub.ports.store.OrchestrationStore#createInstanceWithStep}. */
    Optional<List<ActivityWorkItem>> createWithStep(OrchestrationWorkItem created, Checkpoint step,
            TaskHandOff handOff, Instant now) {
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(step, "step");
        step.requireFirstStepOf(created.instanceId());
        if (instances.containsKey(created.instanceId())) {
            return Optional.empty();
        }
        StoredInstance target = new StoredInstance(created.instance());
        instances.put(created.instanceId(), target);
        return Optional.of(apply(target, step, handOff, now));
    }

    void sendMessages(List<InstanceMessage> messages, Instant now) {
        // Validate the whole batch first so that a bad message leaves every inbox untouched.
        Set<String> startedInBatch = new HashSet<>();
        for (InstanceMessage m : messages) {
            if (m.isStart()) {
                startedInBatch.add(m.instanceId());
            } else if (!instances.containsKey(m.instanceId()) && !startedInBatch.contains(m.instanceId())) {
                throw new InstanceNotFoundException(m.instanceId());
            }
        }
        for (InstanceMessage m : messages) {
            deliver(m, now);
        }
    }

    boolean reopenForRewind(String instanceId, InstanceMessage rewind, Instant now) {
        StoredInstance target = instances.get(instanceId);
        if (target == null) {
            throw new InstanceNotFoundException(instanceId);
        }
        if (target.metadata.runtimeStatus() != RuntimeStatus.Failed) {
            return false;
        }
        // Not while a worker holds it (recording a late result, say): its commit would write the Failed row back.
        // Then the rewind is stored alone, and the instance reopens when a worker runs it.
        if (!Leases.isHeld(target.lease, now)) {
            target.metadata = target.metadata.toBuilder().runtimeStatus(RuntimeStatus.Pending).output(null)
                    .failure(null).lastUpdatedAt(now).revision(target.revision() + 1).build();
            highestRevision = Math.max(highestRevision, target.revision());
        }
        enqueue(target, rewind, rewind.visibleAt(), now);
        signals.instanceChanged();
        return true;
    }

    /** Applies the start rules of {@code sendMessages}; a non-start message to a missing instance is dropped. */
    private void deliver(InstanceMessage message, Instant now) {
        StoredInstance target = instances.get(message.instanceId());
        if (!message.isStart()) {
            if (target != null) {
                enqueue(target, message, message.visibleAt(), now);
            }
            return;
        }
        ExecutionStarted started = (ExecutionStarted) message.event();
        if (target == null) {
            start(message, now);
        } else if (started.executionId().equals(target.metadata.executionId())) {
            enqueue(target, message, startVisibleAt(message), now);
        } else if (message.replaces().contains(target.metadata.runtimeStatus())) {
            start(message, now);
        }
        // Otherwise the start is for an execution other than the instance's, in a status it does not replace:
        // stale, dropped.
    }

    /** Creates or replaces the instance a start message names and enqueues the message as its first. */
    private void start(InstanceMessage message, Instant now) {
        ExecutionStarted started = (ExecutionStarted) message.event();
        String instanceId = message.instanceId();
        StoredInstance target = instances.get(instanceId);
        // The revision keeps growing across replacements so a cached state of the old execution never matches.
        long revision = nextRevision(target == null ? highestRevision : target.revision());
        InstanceMetadata metadata = InstanceLifecycle.pending(instanceId, started, now, revision);
        if (target == null) {
            target = new StoredInstance(metadata);
            instances.put(instanceId, target);
        } else {
            target.metadata = metadata;
            target.history.clear();
            target.inbox.clear();
            target.lease = null; // the old execution's worker must not commit into the new one
            activities.removeInstance(instanceId);
        }
        enqueue(target, message, startVisibleAt(message), now);
        signals.instanceChanged();
    }

    private static Instant startVisibleAt(InstanceMessage message) {
        if (message.visibleAt() != null) {
            return message.visibleAt();
        }
        return ((ExecutionStarted) message.event()).scheduledStartAt();
    }

    private void enqueue(StoredInstance target, InstanceMessage message, Instant visibleAt, Instant now) {
        target.inbox.add(new StoredMessage(nextSequence++, message, visibleAt == null ? now : visibleAt));
        signals.workChanged();
    }

    // ---- orchestration work items -------------------------------------------------------------------------

    Optional<OrchestrationWorkItem> claim(String owner, Duration leaseDuration, int maxMessages, NameFilter names,
            Instant now) {
        if (maxMessages < 1) {
            throw new IllegalArgumentException("maxMessages must be at least 1, was " + maxMessages);
        }
        Lease lease = Leases.newLease(owner, leaseDuration, now);
        StoredInstance chosen = null;
        long chosenSequence = Long.MAX_VALUE;
        for (StoredInstance candidate : instances.values()) {
            if (Leases.isHeld(candidate.lease, now) || !names.accepts(candidate.metadata.name())) {
                continue;
            }
            StoredMessage oldest = candidate.oldestVisible(now);
            if (oldest != null && oldest.sequence < chosenSequence) {
                chosen = candidate;
                chosenSequence = oldest.sequence;
            }
        }
        if (chosen == null) {
            return Optional.empty();
        }
        return Optional.of(take(chosen, lease, maxMessages, now));
    }

    /** Locks {@code chosen} under {@code lease} and delivers up to {@code maxMessages} of its visible messages. */
    private OrchestrationWorkItem take(StoredInstance chosen, Lease lease, int maxMessages, Instant now) {
        List<InstanceMessage> delivered = new ArrayList<>();
        List<Long> sequences = new ArrayList<>();
        int dequeueCount = 0;
        for (StoredMessage m : chosen.inbox) {
            if (delivered.size() == maxMessages) {
                break;
            }
            if (m.isVisible(now)) {
                m.dequeueCount++;
                dequeueCount = Math.max(dequeueCount, m.dequeueCount);
                delivered.add(m.message);
                sequences.add(m.sequence);
            }
        }
        chosen.lease = lease;
        return new OrchestrationWorkItem(chosen.instanceId(), chosen.metadata, delivered, dequeueCount, lease,
                new InboxReceipt(List.copyOf(sequences)));
    }

    Lease renew(OrchestrationWorkItem item, Duration leaseDuration, Instant now) {
        Leases.requirePositive(leaseDuration, "leaseDuration");
        StoredInstance target = heldBy(item);
        if (target == null) {
            throw lost(item, "another worker claimed the instance, or it was purged or replaced");
        }
        // An expired lease nobody took over is still this worker's: renewing it is safe.
        target.lease = target.lease.renewedUntil(now.plus(leaseDuration));
        return target.lease;
    }

    List<ActivityWorkItem> complete(OrchestrationWorkItem item, Checkpoint checkpoint, TaskHandOff handOff,
            Instant now) {
        Objects.requireNonNull(checkpoint, "checkpoint");
        InboxReceipt receipt = receiptOf(item);
        if (checkpoint.instance() != null && !checkpoint.instance().instanceId().equals(item.instanceId())) {
            throw new IllegalArgumentException("The checkpoint's instance row is for '"
                    + checkpoint.instance().instanceId() + "' but the work item is for '" + item.instanceId() + "'.");
        }
        StoredInstance target = heldBy(item);
        if (target == null) {
            throw lost(item, "another worker claimed the instance, or it was purged or replaced");
        }
        if (!Leases.isHeld(target.lease, now)) {
            throw lost(item, "the lease expired at " + target.lease.expiresAt());
        }
        // Every check is done: from here on nothing fails, so the checkpoint applies entirely or not at all.
        Set<Long> consumed = new HashSet<>(receipt.sequences());
        target.inbox.removeIf(m -> consumed.contains(m.sequence));
        return apply(target, checkpoint, handOff, now);
    }

    /** Applies a step's checkpoint to an instance whose consumed messages are already gone, releasing it. */
    private List<ActivityWorkItem> apply(StoredInstance target, Checkpoint checkpoint, TaskHandOff handOff,
            Instant now) {
        boolean changed = checkpoint.instance() != null || checkpoint.replaceHistory()
                || !checkpoint.history().isEmpty();
        if (checkpoint.replaceHistory()) {
            target.history.clear();
        }
        target.history.addAll(checkpoint.history());
        if (changed) {
            InstanceMetadata row = checkpoint.instance() != null ? checkpoint.instance() : target.metadata;
            target.metadata = row.toBuilder().revision(nextRevision(target.revision())).build();
        }
        target.lease = null;
        List<ActivityWorkItem> handedOff = new ArrayList<>();
        for (ActivityTask task : checkpoint.activityTasks()) {
            if (handOff != null && handedOff.size() < handOff.maxTasks() && handOff.names().accepts(task.name())) {
                handedOff.add(activities.addLeased(nextSequence++, task,
                        Leases.newLease(handOff.owner(), handOff.leaseDuration(), now), now));
            } else {
                activities.add(nextSequence++, task, now);
            }
        }
        // Messages go last: a start message may replace this very instance, which must see the new row.
        for (InstanceMessage m : checkpoint.messages()) {
            deliver(m, now);
        }
        signals.workChanged(); // the instance is unlocked; messages that arrived meanwhile are claimable now
        if (changed) {
            signals.instanceChanged();
        }
        return handedOff;
    }

    /** See {@link io.taskhub.ports.store.OrchestrationStore#completeActivityWithStep}. */
    Optional<List<ActivityWorkItem>> completeActivityWithStep(ActivityWorkItem item, InstanceMessage result,
            long expectedRevision, Checkpoint step, TaskHandOff handOff, Instant now) {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(step, "step");
        StoredTask task = activities.requireLive(item, now);
        StoredInstance target = instances.get(result.instanceId());
        if (step.instance() != null && !step.instance().instanceId().equals(result.instanceId())) {
            throw new IllegalArgumentException("The step's instance row is for '" + step.instance().instanceId()
                    + "' but the result is for '" + result.instanceId() + "'.");
        }
        if (target == null || Leases.isHeld(target.lease, now) || target.revision() != expectedRevision
                || target.oldestVisible(now) != null) {
            return Optional.empty();
        }
        activities.remove(task);
        return Optional.of(apply(target, step, handOff, now));
    }

    void abandon(OrchestrationWorkItem item, Duration retryDelay, Instant now) {
        release(item, retryDelay, now, true);
    }

    /** Gives the claim back: visible at once, and the claim not counted. */
    void giveBack(OrchestrationWorkItem item, Instant now) {
        release(item, Duration.ZERO, now, false);
    }

    private void release(OrchestrationWorkItem item, Duration retryDelay, Instant now, boolean counted) {
        Leases.requireNotNegative(retryDelay, "retryDelay");
        InboxReceipt receipt = receiptOf(item);
        StoredInstance target = heldBy(item);
        if (target == null) {
            return; // a lost lease is ignored: the new holder owns these messages now
        }
        Set<Long> delivered = new HashSet<>(receipt.sequences());
        Instant visibleAt = now.plus(retryDelay);
        for (StoredMessage m : target.inbox) {
            if (delivered.contains(m.sequence)) {
                m.visibleAt = visibleAt; // their dequeue counts were raised when they were delivered
                if (!counted) {
                    m.dequeueCount = Math.max(0, m.dequeueCount - 1);
                }
            }
        }
        target.lease = null;
        signals.workChanged();
    }

    // ---- activity work items ------------------------------------------------------------------------------

    Optional<OrchestrationWorkItem> completeActivity(ActivityWorkItem item, InstanceMessage result,
            InstanceClaim next, Instant now) {
        Objects.requireNonNull(result, "result");
        StoredTask task = activities.requireLive(item, now);
        activities.remove(task);
        deliver(result, now);
        signals.workChanged();
        return next == null ? Optional.empty() : claimInstance(result.instanceId(), next, now);
    }

    /**
     * The claim of one instance ({@link InstanceClaim}): made when nobody holds it, {@code claim} accepts its
     * orchestrator and it has visible messages.
     */
    Optional<OrchestrationWorkItem> claimInstance(String instanceId, InstanceClaim claim, Instant now) {
        StoredInstance target = instances.get(instanceId);
        if (target == null || Leases.isHeld(target.lease, now) || !claim.names().accepts(target.metadata.name())
                || target.oldestVisible(now) == null) {
            return Optional.empty();
        }
        return Optional.of(take(target, Leases.newLease(claim.owner(), claim.leaseDuration(), now),
                claim.maxMessages(), now));
    }

    // ---- backlog ---------------------------------------------------------------------------------------------

    io.taskhub.ports.store.Backlog backlog(Instant now) {
        long messages = 0;
        Instant oldestMessage = null;
        Map<String, Long> byOrchestrator = new java.util.HashMap<>();
        for (StoredInstance instance : instances.values()) {
            for (StoredMessage m : instance.inbox) {
                if (m.isVisible(now)) {
                    messages++;
                    oldestMessage = oldestMessage == null || m.visibleAt.isBefore(oldestMessage) ? m.visibleAt
                            : oldestMessage;
                    byOrchestrator.merge(instance.metadata.name(), 1L, Long::sum);
                }
            }
        }
        return activities.backlog(messages, oldestMessage, byOrchestrator, now);
    }

    // ---- purge -----------------------------------------------------------------------------------------------

    boolean purge(String instanceId, Set<RuntimeStatus> allowedStatuses) {
        StoredInstance target = instances.get(instanceId);
        if (target == null || allowedStatuses == null
                || !allowedStatuses.contains(target.metadata.runtimeStatus())) {
            return false;
        }
        delete(target);
        return true;
    }

    PurgeResult purge(PurgeFilter filter, int maxInstances) {
        if (maxInstances < 1) {
            throw new IllegalArgumentException("maxInstances must be at least 1, was " + maxInstances);
        }
        // Oldest first, like the SQL backends, so repeated chunks make steady progress.
        List<StoredInstance> matching = instances.values().stream()
                .filter(r -> filter.matches(r.metadata))
                .sorted((a, b) -> InstanceQueries.ORDER.compare(a.metadata, b.metadata))
                .toList();
        List<StoredInstance> chunk = matching.subList(0, Math.min(maxInstances, matching.size()));
        chunk.forEach(this::delete);
        return new PurgeResult(chunk.size(), matching.size() <= maxInstances);
    }

    private void delete(StoredInstance target) {
        instances.remove(target.instanceId());
        activities.removeInstance(target.instanceId());
        signals.instanceChanged();
    }

    // ---- wake-ups ----------------------------------------------------------------------------------------

    /** The earliest moment after {@code since} when a message or task becomes deliverable, or null. */
    Instant nextChangeAfter(Instant since) {
        Instant next = activities.nextChangeAfter(since);
        for (StoredInstance r : instances.values()) {
            if (r.inbox.isEmpty()) {
                continue;
            }
            if (r.lease != null) {
                next = Wakeups.earliestAfter(next, r.lease.expiresAt(), since);
            }
            for (StoredMessage m : r.inbox) {
                next = Wakeups.earliestAfter(next, m.visibleAt, since);
            }
        }
        return next;
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private long nextRevision(long previous) {
        long next = previous + 1;
        highestRevision = Math.max(highestRevision, next);
        return next;
    }

    private StoredInstance heldBy(OrchestrationWorkItem item) {
        StoredInstance target = instances.get(item.instanceId());
        return target != null && target.isHeldBy(item.lease()) ? target : null;
    }

    private static InboxReceipt receiptOf(OrchestrationWorkItem item) {
        if (item.receipt() instanceof InboxReceipt receipt) {
            return receipt;
        }
        throw new IllegalArgumentException("The work item for '" + item.instanceId()
                + "' was not claimed from an in-memory store (receipt " + item.receipt() + ").");
    }

    private static LockLostException lost(OrchestrationWorkItem item, String why) {
        return new LockLostException("The lease on instance '" + item.instanceId() + "' held by '"
                + item.lease().owner() + "' is lost: " + why + ".");
    }
}
