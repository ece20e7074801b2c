package io.taskhub.ports.orchestration;

import io.taskhub.ports.client.ManagementPayload;
import io.taskhub.ports.client.TaskhubClient;

/** What an activity knows about the call it serves. */
public interface ActivityContext {
    String name();

    String instanceId();

    int taskId();

    /** The input as a JSON text, or null. */
    String rawInput();

    /** The input deserialized from JSON. */
    <T> T getInput(Class<T> type);

    /**
     * The links that manage this activity's orchestration instance (Durable Functions' check-status payload), under
     * the configured public URL or the address of the HTTP API this process serves.
     *
     * @throws IllegalStateException when the deployment has no HTTP address to link to
     */
    default ManagementPayload instanceManagementPayload() {
        throw new IllegalStateException("This activity context offers no management links.");
    }

    /**
     * A client of this activity's task hub, to start, query or raise events to instances (Durable Functions'
     * {@code [DurableClient]} in an activity).
     */
    default TaskhubClient client() {
        throw new IllegalStateException("This activity context offers no client.");
    }
}
