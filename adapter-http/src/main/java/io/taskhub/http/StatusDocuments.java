package io.taskhub.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.model.InstanceMetadata;
import java.util.List;

/**
 * The Durable Functions status document, for other delivery adapters (the CLI prints the same JSON as the
 * HTTP API serves).
 */
public final class StatusDocuments {
    private StatusDocuments() {
    }

    /**
     * @param history the execution's history when asked for, else null
     */
    public static ObjectNode status(InstanceMetadata metadata, List<HistoryEvent> history, boolean showHistoryOutput,
            boolean showInput) {
        return StatusJson.render(metadata, history, showHistoryOutput, showInput);
    }
}
