package io.taskhub.ports.orchestration;

/** A wait ended without a result, such as an external event that did not arrive before its timeout. */
public class TaskCanceledException extends RuntimeException {
    public TaskCanceledException(String message) {
        super(message);
    }
}
