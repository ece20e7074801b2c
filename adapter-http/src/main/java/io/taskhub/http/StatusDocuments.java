package io.taskhub.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskhub.ports.client.FunctionCatalog;
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

    /**
     * {@code {"orchestrators":[{"name":…,"source":…}],"activities":[…]}}: a deployment's registered names, for
     * {@code GET /taskhub/v1/orchestrators} and {@code taskhub list-functions}.
     */
    public static ObjectNode functions(List<FunctionCatalog.Function> functions) {
        ObjectNode body = Json.object();
        ArrayNode orchestrators = body.putArray("orchestrators");
        ArrayNode activities = body.putArray("activities");
        for (FunctionCatalog.Function function : functions) {
            ObjectNode entry = (function.kind() == FunctionCatalog.Kind.ORCHESTRATOR ? orchestrators : activities)
                    .addObject();
            entry.put("name", function.name());
            entry.put("source", function.source());
        }
        return body;
    }
}
