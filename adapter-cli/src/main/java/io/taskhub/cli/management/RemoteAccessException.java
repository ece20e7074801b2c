package io.taskhub.cli.management;

import io.taskhub.ports.errors.TaskhubException;

/** The server refused access (no or wrong API key). */
public class RemoteAccessException extends TaskhubException {
    public RemoteAccessException(String message) {
        super(message);
    }
}
