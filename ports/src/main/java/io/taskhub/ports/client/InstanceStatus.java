package io.taskhub.ports.client;

import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.model.InstanceMetadata;
import java.util.List;

/**
 * An instance's metadata and, when asked for, its current execution's history (else null).
 *
 * @param withoutWorker what the instance waits on that no live worker of its task hub runs: its orchestrator
 *                      (while it has not finished) and, when the history was read, the activities it awaits.
 *                      Such work waits until a worker that runs the name starts (or, with the setting
 *                      worker.unknownNameTimeout, until a worker fails it after that long).
 */
public record InstanceStatus(InstanceMetadata metadata, List<HistoryEvent> history,
        List<FunctionCatalog.Function> withoutWorker) {
    public InstanceStatus {
        history = history == null ? null : List.copyOf(history);
        withoutWorker = withoutWorker == null ? List.of() : List.copyOf(withoutWorker);
    }

    public InstanceStatus(InstanceMetadata metadata, List<HistoryEvent> history) {
        this(metadata, history, List.of());
    }
}
