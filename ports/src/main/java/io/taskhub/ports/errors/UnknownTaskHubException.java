package io.taskhub.ports.errors;

/** A caller named a task hub that this deployment does not serve (no worker would ever run its instances). */
public class UnknownTaskHubException extends TaskhubException {
    private final String taskHub;

    public UnknownTaskHubException(String taskHub, String message) {
        super(message);
        this.taskHub = taskHub;
    }

    public String taskHub() {
        return taskHub;
    }
}
