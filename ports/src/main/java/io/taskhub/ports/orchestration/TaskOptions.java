package io.taskhub.ports.orchestration;

/** Options for scheduling an activity or sub-orchestration. */
public record TaskOptions(RetryPolicy retryPolicy) {
    public static final TaskOptions NONE = new TaskOptions(null);

    public static TaskOptions withRetry(RetryPolicy policy) {
        return new TaskOptions(policy);
    }
}
