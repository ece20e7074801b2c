package io.taskhub.ports.orchestration;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Everything orchestrator code may use. Every method is deterministic under replay: what it returns comes
 * from the orchestration's history, so the same code replayed over the same history does the same things.
 */
public interface OrchestrationContext {
    String instanceId();

    String name();

    /** The input as a JSON text, or null. */
    String rawInput();

    <T> T getInput(Class<T> type);

    /** The deterministic current time: when the current step of the orchestration began. */
    Instant currentTime();

    /** True while the code is re-running over recorded history rather than making progress. */
    boolean isReplaying();

    /** A deterministic UUID (name-based on the instance id, current time and a counter). */
    UUID newUuid();

    <T> DurableTask<T> callActivity(String name, Object input, TaskOptions options, Class<T> resultType);

    default <T> DurableTask<T> callActivity(String name, Object input, Class<T> resultType) {
        return callActivity(name, input, TaskOptions.NONE, resultType);
    }

    default DurableTask<Void> callActivity(String name, Object input) {
        return callActivity(name, input, TaskOptions.NONE, Void.class);
    }

    /**
     * Starts orchestrator {@code name} as a child instance and awaits its output.
     *
     * @param instanceId the child's id, or null for a deterministic generated one
     */
    <T> DurableTask<T> callSubOrchestrator(String name, Object input, String instanceId, TaskOptions options,
            Class<T> resultType);

    default <T> DurableTask<T> callSubOrchestrator(String name, Object input, String instanceId, Class<T> resultType) {
        return callSubOrchestrator(name, input, instanceId, TaskOptions.NONE, resultType);
    }

    /** A durable timer: survives restarts, fires at the orchestration's current time plus {@code delay}. */
    DurableTask<Void> createTimer(Duration delay);

    DurableTask<Void> createTimer(Instant fireAt);

    /** Waits for external event {@code name} (case-insensitive); events raised earlier are buffered. */
    <T> DurableTask<T> waitForExternalEvent(String name, Class<T> payloadType);

    /**
     * Like {@link #waitForExternalEvent(String, Class)}, failing with {@link TaskCanceledException} when the
     * event has not arrived within {@code timeout} (a durable timer).
     */
    <T> DurableTask<T> waitForExternalEvent(String name, Duration timeout, Class<T> payloadType);

    /** Completes when every task has completed, with their results in order; fails if any failed. */
    <V> DurableTask<List<V>> allOf(List<DurableTask<V>> tasks);

    /** Completes when the first of the tasks completes (successfully or not), with that task. */
    DurableTask<DurableTask<?>> anyOf(List<? extends DurableTask<?>> tasks);

    /** Sends event {@code name} to another instance (fire and forget). */
    void sendEvent(String instanceId, String name, Object payload);

    /** Sets the custom status (any JSON-serializable value, or null) shown in the instance's status. */
    void setCustomStatus(Object status);

    /**
     * Ends this execution and starts a new one with {@code input} and a fresh history. Does not return.
     *
     * @param keepUnprocessedEvents external events received but not yet awaited are carried over
     */
    void continueAsNew(Object input, boolean keepUnprocessedEvents);

    default void continueAsNew(Object input) {
        continueAsNew(input, true);
    }

    /** A logger that stays silent while the orchestrator replays. */
    System.Logger logger();
}
