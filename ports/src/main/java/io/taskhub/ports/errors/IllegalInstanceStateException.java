package io.taskhub.ports.errors;

import io.taskhub.ports.model.ManagementOperation;
import io.taskhub.ports.model.RuntimeStatus;

/** The operation is not legal in the instance's current status. */
public class IllegalInstanceStateException extends TaskhubException {
    private final String instanceId;
    private final ManagementOperation operation;
    private final RuntimeStatus status;
    private final Refusal refusal;

    public IllegalInstanceStateException(String instanceId, ManagementOperation operation, RuntimeStatus status,
            Refusal refusal, String message) {
        super(message);
        this.instanceId = instanceId;
        this.operation = operation;
        this.status = status;
        this.refusal = refusal;
    }

    public String instanceId() {
        return instanceId;
    }

    public ManagementOperation operation() {
        return operation;
    }

    public RuntimeStatus status() {
        return status;
    }

    public Refusal refusal() {
        return refusal;
    }
}
