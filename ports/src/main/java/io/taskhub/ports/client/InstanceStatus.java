package io.taskhub.ports.client;

import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.model.InstanceMetadata;
import java.util.List;

/** An instance's metadata and, when asked for, its current execution's history (else null). */
public record InstanceStatus(InstanceMetadata metadata, List<HistoryEvent> history) {
    public InstanceStatus {
        history = history == null ? null : List.copyOf(history);
    }
}
