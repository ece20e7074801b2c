package io.taskhub.core.engine;

/**
 * Thrown through orchestrator code to end its thread when the engine discards the execution (eviction from
 * the cache, termination, shutdown). It is an {@link Error} so that {@code catch (Exception e)} in user code
 * lets it pass; code that catches it anyway is detected (see {@link OrchestrationSession}).
 */
public final class OrchestratorUnwind extends Error {
    OrchestratorUnwind() {
        super("Taskhub is unwinding this orchestrator; orchestrator code must not catch Throwable or Error", null,
                false, false);
    }
}
