package io.taskhub.ports.remote;

import io.taskhub.ports.errors.TaskhubException;

/** The work did not reach a remote worker (none is connected, or the one chosen declined it): it goes back uncounted. */
public class RemoteWorkUnavailableException extends TaskhubException {
    public RemoteWorkUnavailableException(String message) {
        super(message);
    }
}
