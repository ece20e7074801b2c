package io.taskhub.cli.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.taskhub.ports.client.FunctionCatalog;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Human views of the Durable Functions JSON documents. */
public final class Views {
    private Views() {
    }

    public static void status(Printer printer, JsonNode status) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Instance", status.path("instanceId").asText());
        fields.put("Name", status.path("name").asText());
        fields.put("Status", status.path("runtimeStatus").asText());
        fields.put("Created", status.path("createdTime").asText());
        fields.put("Last updated", status.path("lastUpdatedTime").asText());
        fields.put("Input", Printer.compact(status.get("input")));
        fields.put("Custom status", Printer.compact(status.get("customStatus")));
        fields.put("Output", Printer.compact(status.get("output")));
        if (status.has("withoutWorker")) {
            List<String> missing = new ArrayList<>();
            status.get("withoutWorker").forEach(f -> missing.add(f.path("kind").asText() + " "
                    + f.path("name").asText()));
            fields.put("Waiting for", "no running worker has " + String.join(", ", missing)
                    + " (it waits until one that has it starts)");
        }
        printer.details(fields);
    }

    /** {@code [{"kind":"orchestrator","name":…},…]}: what an instance waits on that no running worker has. */
    public static ArrayNode withoutWorker(List<FunctionCatalog.Function> functions) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        for (FunctionCatalog.Function function : functions) {
            array.addObject().put("kind", function.kind() == FunctionCatalog.Kind.ORCHESTRATOR ? "orchestrator"
                    : "activity").put("name", function.name());
        }
        return array;
    }

    public static void instances(Printer printer, List<JsonNode> instances) {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode s : instances) {
            rows.add(List.of(s.path("instanceId").asText(), s.path("name").asText(), s.path("runtimeStatus").asText(),
                    s.path("createdTime").asText(), s.path("lastUpdatedTime").asText()));
        }
        printer.table(List.of("INSTANCE ID", "NAME", "STATUS", "CREATED", "LAST UPDATED"), rows);
    }

    public static void history(Printer printer, JsonNode events) {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode event : events) {
            rows.add(List.of(event.path("Timestamp").asText(), event.path("EventType").asText(), details(event)));
        }
        printer.table(List.of("TIMESTAMP", "EVENT", "DETAILS"), rows);
    }

    private static String details(JsonNode event) {
        StringBuilder text = new StringBuilder();
        Iterator<Map.Entry<String, JsonNode>> fields = event.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getKey().equals("EventType") || field.getKey().equals("Timestamp")) {
                continue;
            }
            if (text.length() > 0) {
                text.append(", ");
            }
            text.append(field.getKey()).append('=').append(Printer.compact(field.getValue()));
        }
        return text.toString();
    }
}
