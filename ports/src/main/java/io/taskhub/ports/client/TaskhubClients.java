package io.taskhub.ports.client;

/** Clients per task hub: the server's own task hub by default, others on request. */
public interface TaskhubClients {
    String defaultTaskHub();

    /**
     * @param taskHub a task hub name, or null for the default
     * @throws io.taskhub.ports.errors.InvalidArgumentException for an invalid name
     */
    TaskhubClient forTaskHub(String taskHub);

    default TaskhubClient defaultClient() {
        return forTaskHub(null);
    }
}
