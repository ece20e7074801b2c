package io.taskhub.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The Durable Functions status object: camelCase keys in a fixed order; {@code input}, {@code customStatus} and
 * {@code output} always present; second-precision UTC timestamps.
 */
final class StatusJson {
    private static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private StatusJson() {
    }

    /**
     * @param history   the execution's history when it was asked for, else null; left out for Pending instances
     * @param showInput false shows {@code input} (and history inputs) as null
     */
    static ObjectNode render(InstanceMetadata m, List<HistoryEvent> history, boolean showHistoryOutput,
            boolean showInput) {
        ObjectNode node = Json.object();
        node.put("name", m.name());
        node.put("instanceId", m.instanceId());
        node.put("runtimeStatus", m.runtimeStatus().name());
        node.set("input", showInput ? Json.value(m.input()) : Json.value(null));
        node.set("customStatus", Json.value(m.customStatus()));
        node.set("output", output(m));
        node.put("createdTime", seconds(m.createdAt()));
        node.put("lastUpdatedTime", seconds(m.lastUpdatedAt()));
        if (history != null && m.runtimeStatus() != RuntimeStatus.Pending) {
            node.set("historyEvents", HistoryJson.render(history, showHistoryOutput, showInput));
        }
        return node;
    }

    /** The result when Completed, the failure when Failed, the reason when Terminated (stored as the output). */
    static JsonNode output(InstanceMetadata m) {
        if (m.runtimeStatus() == RuntimeStatus.Failed && m.failure() != null && m.output() == null) {
            return TextNode.valueOf(m.failure().summary());
        }
        return Json.value(m.output());
    }

    static String seconds(Instant instant) {
        return instant == null ? null : SECONDS.format(instant);
    }
}
