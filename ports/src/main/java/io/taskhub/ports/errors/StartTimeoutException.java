package io.taskhub.ports.errors;

import java.time.Duration;

/**
 * The storage did not acknowledge a start within the client's start timeout. The start may still be stored
 * later; starting again with the same {@link #instanceId()} is safe: it either starts the instance, or finds it
 * already there.
 */
public class StartTimeoutException extends StorageException {
    private final String instanceId;

    public StartTimeoutException(String instanceId, Duration timeout) {
        super("The start of instance '" + instanceId + "' was not acknowledged by the storage within "
                + timeout.toMillis() / 1000.0 + " s; it may still be stored. Starting again with the same"
                + " instance id is safe.");
        this.instanceId = instanceId;
    }

    /** As reported by a server: its message, for the start of {@code instanceId}. */
    public StartTimeoutException(String instanceId, String message) {
        super(message);
        this.instanceId = instanceId;
    }

    public String instanceId() {
        return instanceId;
    }
}
