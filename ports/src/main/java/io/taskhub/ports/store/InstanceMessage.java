package io.taskhub.ports.store;

import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.model.RuntimeStatus;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A message for an instance's inbox: an event that the instance's next work item will process.
 *
 * @param executionId the execution the message is meant for, or null for whichever is current; workers drop
 *                    messages meant for an execution that is no longer current
 * @param visibleAt   the message is not delivered before this time (timers, scheduled starts); null = now
 * @param replaces    for a start: the statuses in which an existing instance running another execution is replaced
 *                    by it (core decides which: the finished ones); in any other status such a start is stale and
 *                    dropped. A start for a missing instance creates it, one for the current execution is
 *                    delivered. Empty for every other message.
 */
public record InstanceMessage(String instanceId, String executionId, HistoryEvent event, Instant visibleAt,
        Set<RuntimeStatus> replaces) {
    public InstanceMessage {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(event, "event");
        replaces = replaces == null || replaces.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(replaces));
    }

    /** A message that is not a start, or a start that replaces nothing. */
    public InstanceMessage(String instanceId, String executionId, HistoryEvent event, Instant visibleAt) {
        this(instanceId, executionId, event, visibleAt, Set.of());
    }

    public static InstanceMessage of(String instanceId, HistoryEvent event) {
        return new InstanceMessage(instanceId, null, event, null);
    }

    /** The start of {@code started}'s execution, replacing an instance of another execution in {@code replaces}. */
    public static InstanceMessage start(String instanceId, ExecutionStarted started, Instant visibleAt,
            Set<RuntimeStatus> replaces) {
        return new InstanceMessage(instanceId, started.executionId(), started, visibleAt, replaces);
    }

    /** True for the message that starts an execution (and may create the instance). */
    public boolean isStart() {
        return event instanceof ExecutionStarted;
    }
}
