package io.taskhub.core.telemetry;

import io.taskhub.ports.model.RuntimeStatus;
import java.time.Duration;

/**
 * What the engine tells an operator's metrics about its work, as it happens: the port through which a worker's
 * events reach a metrics library (the runtime binds Micrometer to it). Every method is called on the thread doing
 * the work, so implementations must be quick and must not throw; the default does nothing.
 */
public interface EngineMetrics {
    /** Records nothing. */
    EngineMetrics NONE = new EngineMetrics() {
    };

    /** An execution of orchestrator {@code name} ran its first step (its start was taken up by a worker). */
    default void instanceStarted(String name) {
    }

    /** An execution of {@code name} ended in {@code status}, {@code sinceCreated} after the instance was created. */
    default void instanceFinished(String name, RuntimeStatus status, Duration sinceCreated) {
    }

    /** One orchestration step, from its claim (or the result that brought it) to its commit. */
    default void stepCommitted(Duration took) {
    }

    /** One run of activity {@code name}, whatever its outcome. */
    default void activityRan(String name, Duration took) {
    }

    /** A worker found that the lease of work it held had been lost (its result was not committed). */
    default void leaseLost() {
    }

    /** Work failed for good at the poison limit; {@code kind} is "orchestration" or "activity". */
    default void poisoned(String kind) {
    }

    /** A step failed and is retried after a back-off. */
    default void stepRetried() {
    }

    /** Messages that were accepted and then dropped by the rule for finished executions (or given up). */
    default void messagesDropped(int count) {
    }

    /**
     * {@code target}, with whatever it throws caught and logged (once): metrics must never fail the work they
     * count, which by then is usually committed.
     */
    static EngineMetrics guarded(EngineMetrics target) {
        return target instanceof GuardedMetrics || target == NONE ? target : new GuardedMetrics(target);
    }
}
