package io.taskhub.ports.orchestration;

/**
 * Activity code: any Java, run at least once per scheduled task. Its return value is serialized to JSON and
 * delivered to the orchestrator; an exception reaches the orchestrator as a {@link TaskFailedException}.
 */
@FunctionalInterface
public interface Activity {
    Object run(ActivityContext context) throws Exception;
}
