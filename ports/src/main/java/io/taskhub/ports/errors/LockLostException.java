package io.taskhub.ports.errors;

/**
 * The caller's lease on a work item expired or was taken by another worker; whatever it was about to commit
 * must be dropped (another worker will redo the work).
 */
public class LockLostException extends TaskhubException {
    public LockLostException(String message) {
        super(message);
    }
}
