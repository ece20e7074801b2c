package io.taskhub.ports.errors;

/**
 * Orchestrator code did something other than what its history recorded at the same position; the message
 * names both and the position.
 */
public class NonDeterministicOrchestrationException extends TaskhubException {
    public NonDeterministicOrchestrationException(String message) {
        super(message);
    }
}
