package io.taskhub.azure.internal;

import com.azure.storage.queue.models.SendMessageResult;
import io.taskhub.azure.internal.InstanceRows.InstanceRow;
import io.taskhub.ports.errors.InstanceAlreadyExistsException;
import io.taskhub.ports.errors.StorageException;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.InstanceMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * How a start message meets an instance row, in one place. There is no transaction between the queue and the
 * table, so a start is enqueued first and the row written second; whoever meets a start whose row is missing
 * or not yet replaced (the claim of a fast worker, or the next attempt after a crash) completes the row from
 * the message. A start message for an existing execution is simply delivered; for an instance of another
 * execution in a status the start replaces (the condition it carries from core: finished) it replaces the
 * instance (unless it is a copy of the start that created it, sent again by a parent that re-ran its step);
 * otherwise it is dropped.
 */
final class StartRules {
    /** How long a start may wait for its own row write (createInstance, a replacement) before it is dropped. */
    static final int MAX_START_DEFERRALS = 5;
    /** A start for a missing instance older than this is a leftover of a purged instance, not a creation. */
    static final Duration ORPHAN_AGE = Duration.ofMinutes(5);

    private final InstanceRows instances;
    private final Outbox outbox;

    public StartRules(InstanceRows instances, Outbox outbox) {
        this.instances = instances;
        this.outbox = outbox;
    }

    /** What to do with a delivered start message. */
    public record Delivery(Action action, InstanceRow row) {
        public enum Action { DELIVER, DEFER, DROP }
    }

    /**
     * createInstance: enqueues the start, then creates or replaces the row.
     *
     * @throws InstanceAlreadyExistsException the instance exists and its status is not in {@code replaceable}
     */
    public void create(String instanceId, ExecutionStarted start, Set<RuntimeStatus> replaceable) {
        SendMessageResult sent = null;
        try {
            for (int attempt = 0; ; attempt++) {
                Optional<InstanceRow> row = instances.read(instanceId);
                if (row.isPresent() && row.get().metadata().executionId().equals(start.executionId())) {
                    return; // a worker already completed the row from our message
                }
                if (row.isPresent() && !replaceable.contains(row.get().metadata().runtimeStatus())) {
                    throw new InstanceAlreadyExistsException(instanceId, row.get().metadata().runtimeStatus());
                }
                if (sent == null) {
                    sent = outbox.send(Outbox.envelope(UUID.randomUUID().toString(),
                            InstanceMessage.start(instanceId, start, null, replaceable), null, null));
                }
                if (writePending(instanceId, start, row.orElse(null), 0)) {
                    return;
                }
                if (attempt >= 10) {
                    throw new StorageException("Instance " + instanceId + " kept changing while it was being"
                            + " created; try again.");
                }
            }
        } catch (RuntimeException e) {
            if (sent != null) {
                outbox.retract(instanceId, sent);
            }
            throw e;
        }
    }

    /**
     * A start sent as a message (by a client's sendMessages or a parent's checkpoint): created when missing,
     * enqueued for the current execution, replacing a finished instance, dropped otherwise.
     *
     * @param parentRevision the parent's revision the child's result must wait for, or 0
     */
    public void send(String instanceId, ExecutionStarted start, String messageId, long parentRevision,
            Set<RuntimeStatus> replaces) {
        Optional<InstanceRow> row = instances.read(instanceId);
        if (row.isPresent()) {
            InstanceMetadata current = row.get().metadata();
            boolean sameExecution = current.executionId().equals(start.executionId());
            if (!sameExecution && !replaces.contains(current.runtimeStatus())) {
                return;
            }
        }
        outbox.send(Outbox.envelope(messageId, InstanceMessage.start(instanceId, start, null, replaces),
                null, parentRevision > 0 ? parentRevision : null));
        if (row.isEmpty() || !row.get().metadata().executionId().equals(start.executionId())) {
            writePending(instanceId, start, row.orElse(null), parentRevision);
        }
    }

    /** A claim met a start message; {@code row} is the instance row read by the claim (null when missing). */
    public Delivery deliver(String instanceId, Envelope envelope, ExecutionStarted start, InstanceRow row) {
        for (int attempt = 0; attempt < 5; attempt++) {
            if (row == null) {
                Instant sent = Instant.ofEpochSecond(0, envelope.ts());
                Instant due = envelope.due() != null && envelope.due().isAfter(sent) ? envelope.due() : sent;
                if (due.plus(ORPHAN_AGE).isBefore(Instant.now())) {
                    return new Delivery(Delivery.Action.DROP, null);
                }
            } else if (row.metadata().executionId().equals(start.executionId())) {
                return new Delivery(Delivery.Action.DELIVER, row);
            } else if (!envelope.replaces().contains(row.metadata().runtimeStatus())) {
                return new Delivery(envelope.bn() < MAX_START_DEFERRALS ? Delivery.Action.DEFER
                        : Delivery.Action.DROP, row);
            }
            long parentRevision = envelope.prv() == null ? 0 : envelope.prv();
            writePending(instanceId, start, row, parentRevision);
            row = instances.read(instanceId).orElse(null);
        }
        return new Delivery(Delivery.Action.DEFER, row);
    }

    /**
     * Writes the Pending row of {@code start}: inserted when {@code previous} is null, else replacing it if
     * unchanged. Revisions keep growing across replacements so that cached state never looks current.
     *
     * @return false when the row changed meanwhile (the caller re-reads and decides again)
     */
    private boolean writePending(String instanceId, ExecutionStarted start, InstanceRow previous,
            long parentRevision) {
        long revision = previous == null ? 1 : previous.revision() + 1;
        Instant created = Instant.now(); // the store's clock; it also marks this incarnation of the id
        InstanceMetadata pending = new InstanceMetadata(instanceId, start.name(), start.version(),
                start.executionId(), RuntimeStatus.Pending, start.input(), null, null, null, created, created, null,
                start.scheduledStartAt(), start.parent(), start.tags(), revision);
        Map<String, Object> properties = instances.toProperties(pending, revision, parentRevision, null);
        try {
            if (previous == null) {
                instances.insert(instanceId, properties);
            } else {
                instances.replace(instanceId, properties, previous.etag());
            }
            return true;
        } catch (RuntimeException e) {
            if (StorageErrors.isConflict(e) || StorageErrors.isPreconditionFailed(e) || StorageErrors.isNotFound(e)) {
                return false;
            }
            throw StorageErrors.wrap("write instance " + instanceId, e);
        }
    }
}
