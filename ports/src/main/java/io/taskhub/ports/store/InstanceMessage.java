package io.taskhub.ports.store;

import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.HistoryEvent;
import java.time.Instant;
import java.util.Objects;

/**
 * A message for an instance's inbox: an event that the instance's next work item will process.
 *
 * @param executionId the execution the message is meant for, or null for whichever is current; workers drop
 *                    messages meant for an execution that is no longer current
 * @param visibleAt   the message is not delivered before this time (timers, scheduled starts); null = now
 */
public record InstanceMessage(String instanceId, String executionId, HistoryEvent event, Instant visibleAt) {
    public InstanceMessage {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(event, "event");
    }

    public static InstanceMessage of(String instanceId, HistoryEvent event) {
        return new InstanceMessage(instanceId, null, event, null);
    }

    /** True for the message that starts an execution (and may create the instance). */
    public boolean isStart() {
        return event instanceof ExecutionStarted;
    }
}
