package io.taskhub.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.model.StartOutcome;
import io.taskhub.ports.client.TaskhubClient;
import io.taskhub.ports.errors.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /taskhub/v1/start}: Durable Functions' start messages ({@code {"FunctionName", "Input",
 * "InstanceId"}}, as non-.NET languages return them from an output binding), one or an array of up to
 * {@value TaskhubClient#MAX_BATCH}. All or nothing unless {@code partial=true}.
 */
final class BatchStartHandler {
    private final RequestSupport support;

    BatchStartHandler(RequestSupport support) {
        this.support = support;
    }

    void start(Context ctx) {
        TaskhubClient client = support.client(ctx);
        String body = support.body(ctx);
        JsonNode items;
        try {
            items = body == null ? null : Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidArgumentException(ErrorMapper.INVALID_JSON + ": " + e.getOriginalMessage(), e);
        }
        if (items == null || !(items.isObject() || items.isArray())) {
            throw new HttpRejection.BadRequest("Send a start message {\"FunctionName\":…,\"Input\":…,\"InstanceId\":…}"
                    + " or an array of them.");
        }
        List<StartInstanceRequest> requests = new ArrayList<>();
        for (JsonNode item : items.isArray() ? items : List.of(items)) {
            requests.add(StatusDocuments.startRequest(item)
                    .withTraceParent(ctx.header(OrchestratorHandlers.TRACE_PARENT)));
        }
        ManagementUrls urls = support.urls(ctx, client); // validates its parameters before anything is stored
        List<StartOutcome> outcomes = client.startNewBatch(requests, QueryParams.bool(ctx, "partial", false));
        ArrayNode answer = Json.array();
        for (StartOutcome outcome : outcomes) {
            answer.add(render(outcome, urls));
        }
        Responses.json(ctx, 202, answer);
    }

    /** One outcome: its index, and the id with its status link, or the error. */
    static ObjectNode render(StartOutcome outcome, ManagementUrls urls) {
        ObjectNode node = Json.object();
        node.put("index", outcome.index());
        if (outcome.started()) {
            node.put("id", outcome.instanceId());
            if (urls != null) {
                node.put("statusQueryGetUri", urls.payload(outcome.instanceId()).statusQueryGetUri());
            }
        } else {
            node.put("error", outcome.error());
        }
        return node;
    }
}
