package io.taskhub.ports.errors;

import io.taskhub.ports.model.RuntimeStatus;

/** An instance with this id exists and its status does not allow it to be replaced. */
public class InstanceAlreadyExistsException extends TaskhubException {
    private final String instanceId;
    private final RuntimeStatus status;

    public InstanceAlreadyExistsException(String instanceId, RuntimeStatus status) {
        super("An Orchestration instance with the status " + status + " already exists.");
        this.instanceId = instanceId;
        this.status = status;
    }

    public String instanceId() {
        return instanceId;
    }

    public RuntimeStatus status() {
        return status;
    }
}
