package io.taskhub.core.lifecycle;

import static io.taskhub.ports.model.RuntimeStatus.Canceled;
import static io.taskhub.ports.model.RuntimeStatus.Completed;
import static io.taskhub.ports.model.RuntimeStatus.ContinuedAsNew;
import static io.taskhub.ports.model.RuntimeStatus.Failed;
import static io.taskhub.ports.model.RuntimeStatus.Pending;
import static io.taskhub.ports.model.RuntimeStatus.Running;
import static io.taskhub.ports.model.RuntimeStatus.Suspended;
import static io.taskhub.ports.model.RuntimeStatus.Terminated;

import io.taskhub.ports.errors.IllegalInstanceStateException;
import io.taskhub.ports.errors.InstanceAlreadyExistsException;
import io.taskhub.ports.errors.Refusal;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.ManagementOperation;
import io.taskhub.ports.model.ReusePolicy;
import io.taskhub.ports.model.RuntimeStatus;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The one table of which management operation is legal in which runtime status, and what a refusal is
 * (HTTP-API.md §Lifecycle). Every client operation asks it; no backend or delivery adapter decides this.
 */
public final class InstanceLifecycle {

    /** The verdict for one cell of the table: allowed, or refused with a kind. */
    public record Verdict(Refusal refusal) {
        static final Verdict ALLOWED = new Verdict(null);

        public boolean allowed() {
            return refusal == null;
        }
    }

    private static final Set<RuntimeStatus> ACTIVE = Collections.unmodifiableSet(
            EnumSet.of(Pending, Running, Suspended, ContinuedAsNew));
    private static final Set<RuntimeStatus> TERMINAL = Collections.unmodifiableSet(
            EnumSet.of(Completed, Failed, Terminated, Canceled));

    private static final Map<ManagementOperation, Map<RuntimeStatus, Verdict>> TABLE =
            new EnumMap<>(ManagementOperation.class);

    static {
        //   operation                    allowed in                          refused elsewhere with
        row(ManagementOperation.TERMINATE, ACTIVE, Map.of(), Refusal.GONE);
        row(ManagementOperation.RAISE_EVENT, ACTIVE, Map.of(), Refusal.GONE);
        row(ManagementOperation.SUSPEND, EnumSet.of(Pending, Running, ContinuedAsNew),
                Map.of(Suspended, Refusal.CONFLICT), Refusal.GONE);
        row(ManagementOperation.RESUME, EnumSet.of(Suspended),
                Map.of(Pending, Refusal.CONFLICT, Running, Refusal.CONFLICT, ContinuedAsNew, Refusal.CONFLICT),
                Refusal.GONE);
        row(ManagementOperation.REWIND, EnumSet.of(Failed), Map.of(), Refusal.PRECONDITION_FAILED);
        row(ManagementOperation.PURGE, TERMINAL, Map.of(), Refusal.CONFLICT);
        // Starting or restarting under an existing id replaces the instance only once it has finished.
        row(ManagementOperation.START, TERMINAL, Map.of(), Refusal.CONFLICT);
        row(ManagementOperation.RESTART, TERMINAL, Map.of(), Refusal.CONFLICT);
    }

    private InstanceLifecycle() {
    }

    private static void row(ManagementOperation operation, Set<RuntimeStatus> allowed,
            Map<RuntimeStatus, Refusal> specialRefusals, Refusal otherwise) {
        Map<RuntimeStatus, Verdict> cells = new EnumMap<>(RuntimeStatus.class);
        for (RuntimeStatus status : RuntimeStatus.values()) {
            Refusal refusal = allowed.contains(status) ? null : specialRefusals.getOrDefault(status, otherwise);
            cells.put(status, refusal == null ? Verdict.ALLOWED : new Verdict(refusal));
        }
        TABLE.put(operation, cells);
    }

    public static Verdict verdict(ManagementOperation operation, RuntimeStatus status) {
        return TABLE.get(operation).get(status);
    }

    /**
     * @throws IllegalInstanceStateException when the operation is refused in this status (for START and
     *                                       RESTART: {@link InstanceAlreadyExistsException})
     */
    public static void check(String instanceId, ManagementOperation operation, RuntimeStatus status) {
        Verdict verdict = verdict(operation, status);
        if (verdict.allowed()) {
            return;
        }
        if (operation == ManagementOperation.START || operation == ManagementOperation.RESTART) {
            throw new InstanceAlreadyExistsException(instanceId, status);
        }
        throw new IllegalInstanceStateException(instanceId, operation, status, verdict.refusal(),
                refusalMessage(instanceId, operation, status));
    }

    /** The statuses an existing instance may have to be replaced by a new start under the same id. */
    public static Set<RuntimeStatus> replaceableStatuses(ReusePolicy policy) {
        return policy == ReusePolicy.TERMINATE_AND_REPLACE ? EnumSet.allOf(RuntimeStatus.class) : TERMINAL;
    }

    /**
     * What a start message (a sub-orchestration's start, a continuation's) replaces: an instance of another
     * execution that has finished. An active one keeps running and the stale start is dropped.
     */
    public static Set<RuntimeStatus> startMessageReplaces() {
        return TERMINAL;
    }

    /**
     * Whether the instance is a Failed one whose rewind was accepted but has not run yet: the store reopened it
     * (Pending) and kept its completion time ({@link io.taskhub.ports.store.OrchestrationStore#reopenForRewind}).
     * The engine handles it as the finished instance it still is until the rewind runs.
     */
    public static boolean awaitsRewind(InstanceMetadata instance) {
        return instance.runtimeStatus() == RuntimeStatus.Pending && instance.completedAt() != null;
    }

    /** The statuses in which an instance (and its history) may be purged. */
    public static Set<RuntimeStatus> purgeableStatuses() {
        return TERMINAL;
    }

    private static String refusalMessage(String id, ManagementOperation operation, RuntimeStatus status) {
        String verb = operation.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        return switch (operation) {
            case RESUME -> "Cannot resume instance '" + id + "': it is " + status + ", not Suspended.";
            case SUSPEND -> status == Suspended
                    ? "Cannot suspend instance '" + id + "': it is already Suspended."
                    : "Cannot suspend instance '" + id + "': it has already finished (" + status + ").";
            case REWIND -> "Cannot rewind instance '" + id + "': it is " + status + "; only Failed instances can be rewound.";
            case PURGE -> "Cannot purge instance '" + id + "': it is " + status
                    + "; only Completed, Failed, Terminated or Canceled instances can be purged.";
            default -> "Cannot " + verb + " instance '" + id + "': it has already finished (" + status + ").";
        };
    }

    /**
     * The row a start makes: Pending, created and last updated {@code now}, nothing run yet (the stores that
     * cannot use core build the same row themselves).
     */
    public static InstanceMetadata pending(String instanceId, ExecutionStarted started, Instant now, long revision) {
        return new InstanceMetadata(instanceId, started.name(), started.version(), started.executionId(), Pending,
                started.input(), null, null, null, now, now, null, started.scheduledStartAt(), started.parent(),
                started.tags(), revision);
    }
}
