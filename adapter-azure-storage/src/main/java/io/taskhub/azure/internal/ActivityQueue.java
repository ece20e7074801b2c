package io.taskhub.azure.internal;

import io.taskhub.azure.internal.InstanceRows.InstanceRow;
import io.taskhub.ports.errors.LockLostException;
import io.taskhub.ports.store.ActivityTask;
import io.taskhub.ports.store.ActivityWorkItem;
import io.taskhub.ports.store.NameFilter;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.Lease;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Activity work items from the work-item queue, which every worker reads (activities need no partition). The
 * message's visibility timeout is the lease: renewing updates it, abandoning sets it to the retry delay, and
 * the attempt count comes from the dequeue count and the body's records ({@link AttemptRecord}). A receive fetches a few tasks
 * at once and hands out the oldest first (a step's tasks are sent in parallel, so the queue's order is not
 * theirs). A task whose instance was purged or moved to another execution is deleted instead of run.
 *
 * <p>Completing sends the result to the instance's control queue, then deletes the task; the result's id
 * derives from the task's, so a task that ran twice produces one result and a copy that its receiver drops.
 */
final class ActivityQueue {
    private static final Logger LOG = LoggerFactory.getLogger(ActivityQueue.class);
    private static final int PREFETCH = 8;
    /** Below this remaining visibility, completion first checks that the task is still ours. */
    private static final Duration CHECK_MARGIN = Duration.ofSeconds(2);
    private static final Duration MIN_REMAINING = Duration.ofMillis(500);

    private final HubClients hub;
    private final QueueOps queues;
    private final MessageCodec codec;
    private final Outbox outbox;
    private final InstanceRows instances;
    private final ParallelIo parallel;
    private final ReentrantLock receiving = new ReentrantLock();
    private final List<Prefetched> prefetched = new ArrayList<>();
    private Duration prefetchVisibility = Duration.ofSeconds(30);
    private final ReceiveBackoff backoff;
    private final CurrentExecutions executions;

    public ActivityQueue(HubClients hub, QueueOps queues, MessageCodec codec, Outbox outbox, InstanceRows instances,
            CurrentExecutions executions, ParallelIo parallel, ReceiveBackoff backoff) {
        this.executions = executions;
        this.backoff = backoff;
        this.hub = hub;
        this.queues = queues;
        this.codec = codec;
        this.outbox = outbox;
        this.instances = instances;
        this.parallel = parallel;
    }

    private record Prefetched(HeldMessage held, TaskEnvelope envelope) {
    }

    /**
     * @param envelope  the task's body as this process got it (received, or sent for a hand-off)
     * @param handedOff sent held by this process for its own worker, never received (see {@link #handedOff})
     */
    private record TaskReceipt(HeldMessage held, TaskEnvelope envelope, boolean handedOff) {
    }

    /**
     * @param names the activities the claiming worker runs: a task of another name goes back to the queue (not an
     *              attempt) for a worker that has it
     */
    public Optional<ActivityWorkItem> claim(String owner, Duration lease, NameFilter names) {
        for (int attempt = 0; attempt < 2 * PREFETCH; attempt++) {
            Prefetched next = takeOldest();
            if (next == null) {
                if (receive(lease) == 0) {
                    return Optional.empty();
                }
                continue;
            }
            if (!names.accepts(next.envelope().name())) {
                handBack(next);
                continue;
            }
            Optional<ActivityWorkItem> item = toWorkItem(next, owner, lease);
            if (item.isPresent()) {
                return item;
            }
        }
        return Optional.empty();
    }

    /**
     * The work item of a task that a step's commit sent held by this process ({@link Outbox#sendHeld}) for its own
     * worker: its first attempt, recorded in the body it was sent with ({@code sent}), so that a delivery after its
     * lease ran out counts as the second. Given back unstarted, its body loses that record (see {@link #release}).
     */
    static ActivityWorkItem handedOff(HeldMessage held, TaskEnvelope sent, ActivityTask task, String owner) {
        return new ActivityWorkItem(task, 1, new Lease(owner, UUID.randomUUID().toString(), held.visibleUntil()),
                new TaskReceipt(held, sent, true));
    }

    /**
     * A handed-off task as its worker gets it once the step's commit is done: renewed for {@code lease} when less
     * than half of it is left (the send started its clock, and the commit's last writes ran on it, while the
     * worker's lease keeper starts only now); empty when that renewal failed (it then comes back by itself).
     */
    Optional<ActivityWorkItem> readyToRun(ActivityWorkItem item, Duration lease) {
        HeldMessage held = receipt(item).held();
        if (!held.visibleUntil().isBefore(Instant.now().plus(lease.dividedBy(2)))) {
            return Optional.of(item);
        }
        try {
            return Optional.of(item.withLease(renew(item, lease)));
        } catch (RuntimeException e) {
            LOG.debug("Could not renew handed-off task {}: {}", held, e.getMessage());
            return Optional.empty();
        }
    }

    /** Back to the queue, visible again soon, recorded as a benign delivery (not an attempt). */
    private void handBack(Prefetched next) {
        TaskEnvelope envelope = next.envelope();
        LOG.debug("Handing back activity {} of {}: this worker does not run it", envelope.name(), envelope.iid());
        if (!queues.update(next.held(), NameMismatch.delay(envelope.bn()),
                codec.encode(envelope.withBenign(envelope.bn() + 1)))) {
            LOG.debug("Task {} was taken by someone else while being handed back", next.held());
        }
    }

    private Optional<ActivityWorkItem> toWorkItem(Prefetched next, String owner, Duration lease) {
        TaskEnvelope envelope = next.envelope();
        if (!isCurrentExecution(envelope.iid(), envelope.xid())) {
            queues.delete(next.held()); // its instance was purged or replaced: the task went with it
            return Optional.empty();
        }
        String input;
        try {
            input = codec.input(envelope);
        } catch (PayloadStore.MissingPayloadException e) {
            queues.delete(next.held());
            return Optional.empty();
        }
        ActivityTask task = new ActivityTask(envelope.iid(), envelope.xid(), envelope.tid(), envelope.name(), input,
                envelope.tp());
        int attempts = AttemptRecord.attempt(next.held().dequeueCount - envelope.bn(), envelope.at());
        if (AttemptRecord.mustRecord(attempts)
                && !queues.update(next.held(), lease, codec.encode(envelope.withAttempt(attempts)))) {
            return Optional.empty(); // its visibility lapsed while it waited here: another worker has it now
        }
        Lease claimLease = new Lease(owner, UUID.randomUUID().toString(), next.held().visibleUntil());
        return Optional.of(new ActivityWorkItem(task, attempts, claimLease,
                new TaskReceipt(next.held(), envelope, false)));
    }

    /** Whether the instance exists with execution {@code executionId} (see {@link CurrentExecutions}). */
    private boolean isCurrentExecution(String instanceId, String executionId) {
        if (executions.isKnownCurrent(instanceId, executionId)) {
            return true;
        }
        Optional<InstanceRow> row = instances.read(instanceId, false);
        if (row.isEmpty()) {
            executions.forget(instanceId);
            return false;
        }
        String current = row.get().metadata().executionId();
        executions.seen(instanceId, current);
        return current.equals(executionId);
    }

    private Prefetched takeOldest() {
        Instant soon = Instant.now().plus(MIN_REMAINING);
        synchronized (prefetched) {
            prefetched.removeIf(p -> p.held().visibleUntil().isBefore(soon)); // they come back by themselves
            return prefetched.isEmpty() ? null : prefetched.remove(0);
        }
    }

    /** One thread receives at a time; the others wait for it. Returns how many tasks arrived. */
    private int receive(Duration lease) {
        if (!receiving.tryLock()) {
            receiving.lock();
            receiving.unlock();
            return 1;
        }
        try {
            if (!backoff.mayReceive()) {
                return 0; // the queue was empty a moment ago and nothing was sent since
            }
            long sends = backoff.sends();
            List<HeldMessage> received = queues.receive(hub.workItems(), -1, PREFETCH, lease);
            backoff.received(received.size(), sends);
            List<Prefetched> decoded = new ArrayList<>(received.size());
            for (HeldMessage held : received) {
                try {
                    decoded.add(new Prefetched(held, codec.decodeTask(held.text)));
                } catch (RuntimeException e) {
                    LOG.error("Dropping unreadable activity message {}: {}", held, e.getMessage());
                    queues.delete(held);
                }
            }
            synchronized (prefetched) {
                prefetchVisibility = lease;
                prefetched.addAll(decoded);
                prefetched.sort(Comparator.comparingLong(p -> p.envelope().ts()));
            }
            return received.size();
        } finally {
            receiving.unlock();
        }
    }

    public Lease renew(ActivityWorkItem item, Duration lease) {
        HeldMessage held = receipt(item).held();
        if (held.isDeleted()) {
            return item.lease(); // completed while the renewal was due: nothing to extend
        }
        if (held.isReleased() || !queues.update(held, lease, null)) {
            throw lost(item);
        }
        return item.lease().renewedUntil(held.visibleUntil());
    }

    public void complete(ActivityWorkItem item, InstanceMessage result) {
        TaskReceipt receipt = receipt(item);
        HeldMessage held = receipt.held();
        Instant now = Instant.now();
        if (held.isDeleted() || held.isReleased() || !held.visibleUntil().isAfter(now)) {
            throw lost(item); // completed or abandoned already, or its lease ran out
        }
        TaskEnvelope task = receipt.envelope();
        if (!isCurrentExecution(task.iid(), task.xid())) {
            queues.delete(held);
            throw new LockLostException("The instance of activity task " + task.tid() + " (" + task.name() + "), "
                    + task.iid() + ", was purged or replaced; the result is dropped.");
        }
        if (held.visibleUntil().isBefore(now.plus(CHECK_MARGIN))
                && !queues.update(held, CHECK_MARGIN.multipliedBy(5), null)) {
            throw lost(item); // another worker took the task: nothing was sent
        }
        String resultId = UUID.nameUUIDFromBytes((task.id() + "/result").getBytes(StandardCharsets.UTF_8)).toString();
        outbox.send(Outbox.envelope(resultId, result, task.rv(), null));
        queues.delete(held);
    }

    public void abandon(ActivityWorkItem item, Duration retryDelay) {
        release(item, retryDelay, true);
    }

    /** Gives the task back unstarted: visible at once, this receipt not counted as an attempt. */
    public void giveBack(ActivityWorkItem item) {
        release(item, Duration.ZERO, false);
    }

    /**
     * Back to the queue after {@code retryDelay}. Counted (an abandoned attempt), the body stays as it is. Given back
     * unstarted, a received task's body records this receipt as benign; a handed-off task, which no receipt ever
     * counted, drops the attempt it was sent with instead, so that its next delivery is a first attempt and the one
     * after that a second.
     */
    private void release(ActivityWorkItem item, Duration retryDelay, boolean counted) {
        TaskReceipt receipt = receipt(item);
        HeldMessage held = receipt.held();
        try {
            if (!held.isDeleted() && !held.isReleased()) {
                String body = counted ? null
                        : receipt.handedOff() ? codec.encode(codec.decodeTask(held.text).withAttempt(0))
                        : codec.encode(receipt.envelope().withBenign(receipt.envelope().bn() + 1));
                if (queues.update(held, retryDelay, body) && retryDelay.isZero()) {
                    outbox.taskVisibleAgain();
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("Could not abandon activity {}: {}", item.task().name(), e.getMessage());
        } finally {
            held.markReleased();
        }
    }

    /** Renews prefetched tasks that would become visible within half their visibility timeout. */
    public void keepAlive() {
        List<Prefetched> due = new ArrayList<>();
        Duration visibility;
        synchronized (prefetched) {
            visibility = prefetchVisibility;
            Instant soon = Instant.now().plus(visibility.dividedBy(2));
            prefetched.stream().filter(p -> p.held().visibleUntil().isBefore(soon)).forEach(due::add);
        }
        parallel.runAll(due.stream().<Runnable>map(p -> () -> {
            try {
                if (!queues.update(p.held(), visibility, null)) {
                    synchronized (prefetched) {
                        prefetched.remove(p);
                    }
                }
            } catch (RuntimeException e) {
                LOG.debug("Could not renew prefetched task {}: {}", p.held(), e.getMessage());
            }
        }).toList());
    }

    /**
     * Forgets the prefetched tasks; with {@code release}, first makes them visible again at once (a graceful
     * stop), so other workers need not wait for their visibility to lapse.
     */
    public void clear(boolean release) {
        List<Prefetched> dropped;
        synchronized (prefetched) {
            dropped = new ArrayList<>(prefetched);
            prefetched.clear();
        }
        if (release) {
            parallel.runAll(dropped.stream().<Runnable>map(p -> () -> {
                try {
                    TaskEnvelope benign = p.envelope().withBenign(p.envelope().bn() + 1);
                    queues.update(p.held(), Duration.ZERO, codec.encode(benign));
                } catch (RuntimeException e) {
                    LOG.debug("Could not release prefetched task {}: {}", p.held(), e.getMessage());
                }
            }).toList());
        }
    }

    private static TaskReceipt receipt(ActivityWorkItem item) {
        if (item.receipt() instanceof TaskReceipt receipt) {
            return receipt;
        }
        throw new IllegalArgumentException("Activity work item was not claimed from this store.");
    }

    private static LockLostException lost(ActivityWorkItem item) {
        return new LockLostException("Activity task " + item.task().taskId() + " (" + item.task().name() + ") of "
                + item.task().instanceId() + " was taken by another worker, abandoned, or is gone.");
    }
}
