package io.taskhub.ports.orchestration;

/**
 * Orchestrator code: plain Java that must be deterministic. It is replayed from its history, so it reads
 * time, randomness and I/O only through the {@link OrchestrationContext}. Its return value becomes the
 * instance's output (serialized to JSON).
 */
@FunctionalInterface
public interface Orchestrator {
    Object run(OrchestrationContext context) throws Exception;
}
