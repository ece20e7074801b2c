package io.taskhub.ports.errors;

/** The storage backend failed (connection lost, unexpected answer); the operation may be retried. */
public class StorageException extends TaskhubException {
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }

    public StorageException(String message) {
        super(message);
    }
}
