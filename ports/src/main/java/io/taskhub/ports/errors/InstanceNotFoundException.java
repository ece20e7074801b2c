package io.taskhub.ports.errors;

/** No instance with this id exists in the task hub. */
public class InstanceNotFoundException extends TaskhubException {
    private final String instanceId;

    public InstanceNotFoundException(String instanceId) {
        super("No instance with id '" + instanceId + "' exists.");
        this.instanceId = instanceId;
    }

    public String instanceId() {
        return instanceId;
    }
}
