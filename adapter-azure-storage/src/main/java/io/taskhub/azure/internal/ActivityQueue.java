package io.taskhub.azure.internal;

import io.taskhub.ports.errors.LockLostException;
import io.taskhub.ports.store.ActivityTask;
import io.taskhub.ports.store.ActivityWorkItem;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.Lease;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Activity work items from the work-item queue, which every worker reads (activities need no partition). The
 * message's visibility timeout is the lease: renewing updates it, abandoning sets it to the retry delay, and
 * the dequeue count (less deferrals recorded in the body) is the attempt count. Completing sends the result to
 * the instance's control queue, then deletes the task; the result's id derives from the task's, so a task that
 * ran twice produces one result and a copy that its receiver drops.
 */
public final class ActivityQueue {
    private static final Logger LOG = LoggerFactory.getLogger(ActivityQueue.class);
    /** Below this remaining visibility, completion first checks that the task is still ours. */
    private static final Duration CHECK_MARGIN = Duration.ofSeconds(2);

    private final HubClients hub;
    private final QueueOps queues;
    private final MessageCodec codec;
    private final Outbox outbox;

    public ActivityQueue(HubClients hub, QueueOps queues, MessageCodec codec, Outbox outbox) {
        this.hub = hub;
        this.queues = queues;
        this.codec = codec;
        this.outbox = outbox;
    }

    private record TaskReceipt(HeldMessage held, TaskEnvelope envelope) {
    }

    public Optional<ActivityWorkItem> claim(String owner, Duration lease) {
        for (int attempt = 0; attempt < 3; attempt++) {
            List<HeldMessage> received = queues.receive(hub.workItems(), -1, 1, lease);
            if (received.isEmpty()) {
                return Optional.empty();
            }
            HeldMessage held = received.get(0);
            TaskEnvelope envelope;
            String input;
            try {
                envelope = codec.decodeTask(held.text);
                input = codec.input(envelope);
            } catch (PayloadStore.MissingPayloadException e) {
                queues.delete(held); // the instance was purged
                continue;
            } catch (RuntimeException e) {
                if (e instanceof io.taskhub.ports.errors.StorageException) {
                    throw e;
                }
                LOG.error("Dropping unreadable activity message {}: {}", held, e.getMessage());
                queues.delete(held);
                continue;
            }
            ActivityTask task = new ActivityTask(envelope.iid(), envelope.xid(), envelope.tid(), envelope.name(),
                    input);
            int attempts = (int) Math.max(1, held.dequeueCount - envelope.bn());
            Lease claimLease = new Lease(owner, UUID.randomUUID().toString(), held.visibleUntil());
            return Optional.of(new ActivityWorkItem(task, attempts, claimLease, new TaskReceipt(held, envelope)));
        }
        return Optional.empty();
    }

    public Lease renew(ActivityWorkItem item, Duration lease) {
        TaskReceipt receipt = receipt(item);
        if (receipt.held().isDeleted()) {
            return item.lease(); // completed while the renewal was due: nothing to extend
        }
        if (!queues.update(receipt.held(), lease, null)) {
            throw lost(item);
        }
        return item.lease().renewedUntil(receipt.held().visibleUntil());
    }

    public void complete(ActivityWorkItem item, InstanceMessage result) {
        TaskReceipt receipt = receipt(item);
        HeldMessage held = receipt.held();
        if (held.visibleUntil().isBefore(Instant.now().plus(CHECK_MARGIN))
                && !queues.update(held, CHECK_MARGIN.multipliedBy(5), null)) {
            throw lost(item); // its lease ran out and another worker took the task: nothing was sent
        }
        TaskEnvelope task = receipt.envelope();
        String resultId = UUID.nameUUIDFromBytes((task.id() + "/result").getBytes(StandardCharsets.UTF_8)).toString();
        outbox.send(Outbox.envelope(resultId, result, task.rv(), null));
        queues.delete(held);
    }

    public void abandon(ActivityWorkItem item, Duration retryDelay) {
        try {
            queues.update(receipt(item).held(), retryDelay, null);
        } catch (RuntimeException e) {
            LOG.debug("Could not abandon activity {}: {}", item.task().name(), e.getMessage());
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
                + item.task().instanceId() + " was taken by another worker or is gone.");
    }
}
