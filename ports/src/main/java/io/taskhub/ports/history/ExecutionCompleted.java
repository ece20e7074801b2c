package io.taskhub.ports.history;

import io.taskhub.ports.model.FailureDetails;
import io.taskhub.ports.model.RuntimeStatus;
import java.time.Instant;

/** The last event of an execution: Completed (with result), Failed (with failure) or Terminated (with reason). */
public record ExecutionCompleted(Instant timestamp, RuntimeStatus status, String result, FailureDetails failure)
        implements HistoryEvent {
    public ExecutionCompleted {
        Events.required(timestamp, "timestamp");
        Events.required(status, "status");
        if (!status.isTerminal() && status != RuntimeStatus.ContinuedAsNew) {
            throw new IllegalArgumentException("an execution cannot complete with status " + status);
        }
    }
}
