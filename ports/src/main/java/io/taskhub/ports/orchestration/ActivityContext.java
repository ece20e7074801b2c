package io.taskhub.ports.orchestration;

/** What an activity knows about the call it serves. */
public interface ActivityContext {
    String name();

    String instanceId();

    int taskId();

    /** The input as a JSON text, or null. */
    String rawInput();

    /** The input deserialized from JSON. */
    <T> T getInput(Class<T> type);
}
