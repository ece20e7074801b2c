package io.taskhub.ports.orchestration;

/**
 * The result of a durable operation (activity, sub-orchestration, timer, external event, or a combination).
 * Only the orchestrator's own thread may use it.
 */
public interface DurableTask<T> {
    /**
     * The result, once the operation has completed. Until then the orchestrator waits; Taskhub may unwind it
     * with an internal {@link Error} that orchestrator code must never catch (catch {@link Exception}, not
     * {@link Throwable}).
     *
     * @throws TaskFailedException   when an activity or sub-orchestration failed
     * @throws TaskCanceledException when a wait timed out
     */
    T await();

    boolean isDone();

    boolean isFailed();
}
