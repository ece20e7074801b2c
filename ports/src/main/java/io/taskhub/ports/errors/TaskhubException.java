package io.taskhub.ports.errors;

/** The root of Taskhub's exception vocabulary; delivery adapters map its children to status and exit codes. */
public class TaskhubException extends RuntimeException {
    public TaskhubException(String message) {
        super(message);
    }

    public TaskhubException(String message, Throwable cause) {
        super(message, cause);
    }
}
