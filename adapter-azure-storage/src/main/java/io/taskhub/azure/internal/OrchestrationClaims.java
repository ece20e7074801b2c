package io.taskhub.azure.internal;

import io.taskhub.azure.internal.ControlQueueBuffer.Buffered;
import io.taskhub.azure.internal.ControlQueueBuffer.Taken;
import io.taskhub.azure.internal.InstanceRows.InstanceRow;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.NameFilter;
import io.taskhub.ports.store.Lease;
import io.taskhub.ports.store.OrchestrationWorkItem;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims orchestration work items from the control queues this process owns: takes an instance's buffered
 * messages, reads its row and history sentinel, and sorts the messages out before the engine sees them:
 * <ul>
 *   <li>copies of messages a checkpoint already consumed (ids in the sentinel) are deleted;</li>
 *   <li>messages not yet due (timers longer than the queue's maximum delay) go back until they are;</li>
 *   <li>results of work scheduled by a checkpoint whose instance row is not written yet (the outbox is sent
 *       before the history) wait until it is, so the engine never drops them as unscheduled;</li>
 *   <li>start messages are reconciled with the row ({@link StartRules}); other messages for a missing instance
 *       (purged) are dropped.</li>
 * </ul>
 * An instance row that lags its sentinel (a crash between the history and the row write) is repaired first.
 */
final class OrchestrationClaims {
    /** How long an early result waits per round; it goes back to the queue meanwhile. */
    static final Duration DEFER_DELAY = Duration.ofSeconds(1);
    /** After this many deferrals an early result is delivered anyway (the engine drops it if unscheduled). */
    static final int MAX_DEFERRALS = 120;
    private static final Logger LOG = LoggerFactory.getLogger(OrchestrationClaims.class);

    private final PartitionManager partitions;
    private final ControlQueueBuffer buffer;
    private final QueueOps queues;
    private final MessageCodec codec;
    private final InstanceRows instances;
    private final HistoryRows history;
    private final StartRules starts;
    private final Executor io;

    public OrchestrationClaims(PartitionManager partitions, ControlQueueBuffer buffer, QueueOps queues,
            MessageCodec codec, InstanceRows instances, HistoryRows history, StartRules starts, Executor io) {
        this.io = io;
        this.partitions = partitions;
        this.buffer = buffer;
        this.queues = queues;
        this.codec = codec;
        this.instances = instances;
        this.history = history;
        this.starts = starts;
    }

    /** What a work item carries back to its renewal and completion. */
    public record ClaimReceipt(int partition, long epoch, String token, List<Buffered> messages, InstanceRow row,
            Sentinel sentinel, AtomicBoolean completing, String recordedMessageId, Envelope recordedBody) {
        List<String> messageIds() {
            return messages.stream().map(b -> b.envelope().id()).toList();
        }

        /**
         * {@code b} as the queue holds it now: the claim recorded its attempt in the body of one message (see
         * {@link AttemptRecord}), which the received copy does not show.
         */
        Buffered asStored(Buffered b) {
            return b.held().messageId.equals(recordedMessageId) ? new Buffered(b.held(), recordedBody) : b;
        }
    }

    /**
     * The history sentinel and row the instance's current claim in this process read, or null: the engine reads
     * the history right after claiming, and the claim already knows which rows are current.
     */
    public ClaimReceipt currentClaim(String instanceId) {
        return buffer.claimOf(instanceId) instanceof ClaimReceipt receipt && !receipt.completing().get() ? receipt
                : null;
    }

    /**
     * @param names the orchestrators the claiming worker runs: an instance of another name is handed back (not an
     *              attempt), to wait on its partition for an owner that has it
     */
    public Optional<OrchestrationWorkItem> claim(String owner, Duration lease, int maxMessages, NameFilter names) {
        partitions.start();
        for (int round = 0; round < 4; round++) {
            Map<Integer, Long> claimable = partitions.claimable();
            if (claimable.isEmpty()) {
                return Optional.empty();
            }
            Taken taken = buffer.take(claimable, maxMessages);
            if (taken == null) {
                if (buffer.receive(claimable, lease) == 0) {
                    return Optional.empty();
                }
                continue;
            }
            Optional<OrchestrationWorkItem> item;
            try {
                item = prepare(taken, owner, names, lease);
            } catch (RuntimeException e) {
                try {
                    buffer.putBack(taken, DEFER_DELAY);
                } catch (RuntimeException notPutBack) {
                    e.addSuppressed(notPutBack);
                }
                throw e;
            }
            if (item.isPresent()) {
                LOG.debug("Claimed {} with {} message(s)", taken.instanceId(), item.get().messages().size());
                return item;
            }
            buffer.unlock(taken.instanceId(), taken.token());
        }
        return Optional.empty();
    }

    private Optional<OrchestrationWorkItem> prepare(Taken taken, String owner, NameFilter names, Duration lease) {
        String instanceId = taken.instanceId();
        // Two independent point reads: side by side.
        CompletableFuture<Sentinel> sentinelRead = CompletableFuture.supplyAsync(
                () -> history.readSentinel(instanceId), io);
        InstanceRow row = instances.read(instanceId).orElse(null);
        Sentinel sentinel = join(sentinelRead);
        if (row != null) {
            row = repair(row, sentinel);
        }
        Instant now = Instant.now();
        List<Resolved> ready = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Buffered b : taken.messages()) {
            Envelope envelope = b.envelope();
            if (!seen.add(envelope.id()) || sentinel.consumed().contains(envelope.id())) {
                queues.delete(b.held()); // a copy of a message already processed
            } else if (envelope.due() != null && envelope.due().isAfter(now.plusMillis(20))) {
                putBack(b, Duration.between(now, envelope.due()));
            } else {
                try {
                    ready.add(new Resolved(b, codec.event(envelope)));
                } catch (PayloadStore.MissingPayloadException e) {
                    queues.delete(b.held()); // its instance was purged meanwhile
                }
            }
        }
        if (row == null) {
            // A start may create the row the other messages need, whatever the senders' clocks said.
            for (Resolved r : ready) {
                if (r.event() instanceof ExecutionStarted start) {
                    row = starts.deliver(instanceId, r.message().envelope(), start, null).row();
                    break;
                }
            }
        }
        if (row != null && !names.accepts(row.metadata().name())) {
            // Not this worker's to run (nor to fail): back to the queue, not counted as an attempt.
            LOG.debug("Handing back {} ({}): this worker does not run it", instanceId, row.metadata().name());
            ready.forEach(r -> putBack(r.message(), NameMismatch.delay(r.message().envelope().bn())));
            return Optional.empty();
        }
        List<Buffered> kept = new ArrayList<>();
        List<InstanceMessage> messages = new ArrayList<>();
        for (Resolved r : ready) {
            Buffered b = r.message();
            Envelope envelope = b.envelope();
            if (row != null && envelope.inc() != null
                    && !envelope.inc().equals(row.properties().get(InstanceRows.CREATED))) {
                queues.delete(b.held()); // sent to an earlier incarnation (purged or replaced since)
                continue;
            }
            if (row != null && waitsForCheckpoint(envelope, row)) {
                LOG.debug("Deferring {} for {}: waits for revision {}, row has {}", r.event().eventType(),
                        instanceId, envelope.rv(), row.revision());
                putBack(b, DEFER_DELAY);
                continue;
            }
            if (r.event() instanceof ExecutionStarted start) {
                StartRules.Delivery delivery = starts.deliver(instanceId, envelope, start, row);
                row = delivery.row();
                if (delivery.action() == StartRules.Delivery.Action.DROP) {
                    queues.delete(b.held());
                    continue;
                }
                if (delivery.action() == StartRules.Delivery.Action.DEFER) {
                    putBack(b, DEFER_DELAY);
                    continue;
                }
            } else if (row == null) {
                queues.delete(b.held()); // no such instance (purged, or never created)
                continue;
            }
            kept.add(b);
            messages.add(new InstanceMessage(instanceId, envelope.xid(), r.event(), envelope.due()));
        }
        if (kept.isEmpty()) {
            return Optional.empty();
        }
        if (!partitions.owns(taken.partition(), taken.epoch())) {
            // The partition is about to change owner, or did: kept here while it is still held (a renewal may
            // be under way), else back to the queue at once for its next owner.
            buffer.putBack(new Taken(instanceId, taken.partition(), taken.epoch(), kept, taken.token()),
                    Duration.ZERO);
            return Optional.empty();
        }
        Buffered oldest = kept.get(0);
        for (Buffered b : kept) {
            oldest = b.envelope().ts() < oldest.envelope().ts() ? b : oldest;
        }
        int attempts = AttemptRecord.attempt(oldest.held().dequeueCount - oldest.envelope().bn()
                - buffer.receiptsNotAttempts(oldest.held()), oldest.envelope().at());
        Envelope recorded = null;
        if (AttemptRecord.mustRecord(attempts)) {
            recorded = oldest.envelope().withAttempt(attempts);
            if (!queues.update(oldest.held(), lease, codec.encode(recorded))) {
                return Optional.empty(); // its visibility lapsed while it waited here: another worker has it now
            }
        }
        Instant expiry = kept.stream().map(b -> b.held().visibleUntil()).min(Instant::compareTo).orElseThrow();
        String token = taken.token();
        buffer.expireAt(instanceId, token, expiry);
        ClaimReceipt receipt = new ClaimReceipt(taken.partition(), taken.epoch(), token, List.copyOf(kept), row,
                sentinel, new AtomicBoolean(), recorded == null ? null : oldest.held().messageId, recorded);
        buffer.attach(instanceId, token, receipt, kept);
        return Optional.of(new OrchestrationWorkItem(instanceId, row.metadata(), messages, attempts,
                new Lease(owner, token, expiry), receipt));
    }

    private record Resolved(Buffered message, HistoryEvent event) {
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** A result (or self message) of a checkpoint whose instance row is not written yet. */
    private static boolean waitsForCheckpoint(Envelope envelope, InstanceRow row) {
        return envelope.rv() != null && envelope.rv() > row.revision() && envelope.bn() < MAX_DEFERRALS
                && (envelope.xid() == null || envelope.xid().equals(row.metadata().executionId()));
    }

    /** Back to the queue for {@code delay}; such a delivery is not an attempt, so the body records it. */
    private void putBack(Buffered b, Duration delay) {
        Envelope envelope = b.envelope();
        Duration wait = delay.compareTo(queues.maxDelay()) > 0 ? queues.maxDelay() : delay;
        int benign = envelope.bn() + 1 + (int) buffer.receiptsNotAttempts(b.held());
        if (!queues.update(b.held(), wait, codec.encode(envelope.withBenign(benign)))) {
            LOG.debug("Message {} was taken by someone else while being put back", b.held());
        }
    }

    /**
     * The sentinel holds a copy of the row its checkpoint wrote; if that write was lost (a crash right after the
     * history), the row lags behind and is rewritten from the copy. Only for the same incarnation of the
     * instance (same creation time): a replaced or re-created instance is left alone.
     */
    private InstanceRow repair(InstanceRow row, Sentinel sentinel) {
        Map<String, Object> copy = sentinel.instanceCopy();
        Object revision = copy.get(InstanceRows.REVISION);
        // Also at the same revision when the row is one a rewind reopened but the history already holds the
        // rewind's step: the client's reopening overtook that step's row write (both are revision + 1).
        boolean overtakenReopening = revision instanceof Number same && same.longValue() == row.revision()
                && row.metadata().runtimeStatus() == RuntimeStatus.Pending && row.metadata().completedAt() != null
                && !RuntimeStatus.Pending.name().equals(copy.get(InstanceRows.STATUS));
        if (!(revision instanceof Number n) || (n.longValue() <= row.revision() && !overtakenReopening)
                || !Objects.equals(copy.get(InstanceRows.CREATED), row.properties().get(InstanceRows.CREATED))) {
            return row;
        }
        String instanceId = row.metadata().instanceId();
        LOG.info("Repairing the row of instance {} from its history sentinel (revision {} -> {})", instanceId,
                row.revision(), n.longValue());
        try {
            instances.replace(instanceId, copy, row.etag());
        } catch (RuntimeException e) {
            if (!StorageErrors.isPreconditionFailed(e) && !StorageErrors.isNotFound(e)) {
                throw StorageErrors.wrap("repair instance " + instanceId, e);
            }
        }
        return instances.read(instanceId).orElse(null);
    }
}
