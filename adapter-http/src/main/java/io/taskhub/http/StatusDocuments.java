package io.taskhub.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskhub.ports.client.FunctionCatalog;
import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.model.StartOutcome;
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
     * A start message ({@code {"FunctionName", "Input", "InstanceId"}}, or the same in camelCase) as a request;
     * what is missing or malformed is left for the client to refuse, for this item alone.
     */
    public static StartInstanceRequest startRequest(JsonNode item) {
        String name = text(item, "FunctionName", "functionName");
        JsonNode input = item.has("Input") ? item.get("Input") : item.get("input");
        String id = text(item, "InstanceId", "instanceId");
        return new StartInstanceRequest(name == null ? "" : name, input == null || input.isNull() ? null
                : Json.write(input), id, null, null, null, null);
    }

    private static String text(JsonNode item, String name, String alternative) {
        JsonNode value = item.has(name) ? item.get(name) : item.get(alternative);
        return value == null || !value.isTextual() ? null : value.asText();
    }

    /** The answer of a batch start: per item, its index and id, or its error. */
    public static ArrayNode startOutcomes(List<StartOutcome> outcomes) {
        ArrayNode answer = Json.array();
        outcomes.forEach(outcome -> answer.add(BatchStartHandler.render(outcome, null)));
        return answer;
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
