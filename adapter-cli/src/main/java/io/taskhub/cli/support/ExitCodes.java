package io.taskhub.cli.support;

import io.taskhub.ports.errors.IllegalInstanceStateException;
import io.taskhub.ports.errors.InstanceAlreadyExistsException;
import io.taskhub.ports.errors.InstanceNotFoundException;
import io.taskhub.ports.errors.InvalidArgumentException;
import io.taskhub.ports.errors.StartTimeoutException;
import io.taskhub.ports.errors.StorageException;
import io.taskhub.ports.errors.UnknownTaskHubException;
import io.taskhub.runtime.config.ConfigurationException;

/**
 * The command's exit codes, and the one mapping from exceptions to them.
 *
 * <pre>
 * 0  success
 * 1  the operation failed (or the awaited instance ended Failed, Terminated or Canceled)
 * 2  usage error: bad arguments, invalid JSON or ids, a destructive command not confirmed
 * 3  not found: no such instance
 * 4  conflict: the instance's status does not allow the operation, or the id is in use
 * 5  unavailable: bad configuration, storage or server unreachable, access refused
 * 6  timed out: the awaited instance is still running, or a start was not acknowledged in time (retry it)
 * </pre>
 */
public final class ExitCodes {
    public static final int SUCCESS = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;
    public static final int NOT_FOUND = 3;
    public static final int CONFLICT = 4;
    public static final int UNAVAILABLE = 5;
    public static final int TIMED_OUT = 6;

    private ExitCodes() {
    }

    public static int of(Throwable error) {
        error = rootOf(error);
        if (error instanceof StartTimeoutException) {
            return TIMED_OUT; // before StorageException, its parent: the start may still land
        } else if (error instanceof InvalidArgumentException || error instanceof IllegalArgumentException) {
            return USAGE;
        } else if (error instanceof InstanceNotFoundException || error instanceof UnknownTaskHubException) {
            return NOT_FOUND;
        } else if (error instanceof IllegalInstanceStateException || error instanceof InstanceAlreadyExistsException) {
            return CONFLICT;
        } else if (error instanceof ConfigurationException || error instanceof StorageException) {
            // StorageException covers a server that cannot be reached or refuses the API key, too
            return UNAVAILABLE;
        }
        return FAILURE;
    }

    /** The exception that explains a failure: Guice wraps what providers throw (opening a backend). */
    public static Throwable rootOf(Throwable error) {
        Throwable current = error;
        while ((current instanceof com.google.inject.ProvisionException
                || current instanceof com.google.inject.CreationException) && current.getCause() != null) {
            current = current.getCause();
        }
        if (current instanceof com.google.inject.ProvisionException provision
                && !provision.getErrorMessages().isEmpty()
                && provision.getErrorMessages().iterator().next().getCause() != null) {
            current = provision.getErrorMessages().iterator().next().getCause();
        }
        return current;
    }
}
