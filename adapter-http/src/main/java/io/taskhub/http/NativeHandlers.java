package io.taskhub.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.taskhub.ports.client.InstanceStatus;
import io.taskhub.ports.client.StatusOptions;
import io.taskhub.ports.client.TaskhubClient;
import io.taskhub.ports.errors.InstanceNotFoundException;
import io.taskhub.ports.json.JsonCodec;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.InstancePage;
import io.taskhub.ports.query.InstanceQuery;
import java.time.Duration;
import java.util.Optional;

/**
 * Taskhub's own instance documents under {@code /taskhub/v1/instances}: the stored metadata and history events in
 * Taskhub's JSON form (the one every backend stores), so that a Java client reads back exactly what the engine
 * has, where the Durable Functions documents merge and reformat. Used by {@code io.taskhub.client}.
 */
final class NativeHandlers {
    static final Duration MAX_WAIT = Duration.ofMinutes(5);

    private final RequestSupport support;

    NativeHandlers(RequestSupport support) {
        this.support = support;
    }

    /**
     * {@code GET /taskhub/v1/instances/{instanceId}?showHistory=&showInput=}: {"instance":…,"history":[…],
     * "withoutWorker":[…]} (what the instance waits on that no live worker runs).
     */
    void status(Context ctx) {
        StatusOptions options = new StatusOptions(QueryParams.bool(ctx, "showHistory", false), true,
                QueryParams.bool(ctx, "showInput", true));
        String instanceId = ctx.pathParam(InstanceHandlers.INSTANCE_ID);
        InstanceStatus status = support.client(ctx).getStatus(instanceId, options)
                .orElseThrow(() -> new InstanceNotFoundException(instanceId));
        ObjectNode body = Json.object();
        body.set("instance", tree(status.metadata()));
        if (status.history() != null) {
            ArrayNode history = body.putArray("history");
            status.history().forEach(event -> history.add(tree(event)));
        }
        body.set("withoutWorker", tree(status.withoutWorker()));
        Responses.json(ctx, 200, body);
    }

    /** {@code GET /taskhub/v1/instances?…}: one page, {"instances":[…],"continuationToken":…}; the list filters. */
    void list(Context ctx) {
        InstanceQuery.Builder query = InstanceHandlers.filters(ctx)
                .fetchInputsAndOutputs(QueryParams.bool(ctx, "showInput", true))
                .continuationToken(ctx.header(InstanceHandlers.CONTINUATION_HEADER));
        Integer top = QueryParams.integer(ctx, "top");
        if (top != null) {
            query.pageSize(top);
        }
        InstancePage page = support.client(ctx).list(query.build());
        ObjectNode body = Json.object();
        ArrayNode instances = body.putArray("instances");
        page.instances().forEach(m -> instances.add(tree(m)));
        body.put("continuationToken", page.continuationToken());
        Responses.json(ctx, 200, body);
    }

    /**
     * {@code GET /taskhub/v1/instances/{instanceId}/wait?timeout=&until=completion|start}: the instance once it
     * finished (or started), or as it is when the timeout (at most 5 minutes) passes; woken by the instance's
     * own progress.
     */
    void await(Context ctx) {
        TaskhubClient client = support.client(ctx);
        String instanceId = ctx.pathParam(InstanceHandlers.INSTANCE_ID);
        Duration timeout = Optional.ofNullable(QueryParams.seconds(ctx, "timeout")).orElse(Duration.ofSeconds(30));
        timeout = timeout.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : timeout;
        boolean untilStart = "start".equals(QueryParams.text(ctx, "until"));
        InstanceMetadata m = (untilStart ? client.waitForStart(instanceId, timeout)
                : client.waitForCompletion(instanceId, timeout)).orElseThrow(() -> new InstanceNotFoundException(
                        instanceId));
        ObjectNode body = Json.object();
        body.set("instance", tree(m));
        Responses.json(ctx, 200, body);
    }

    private static JsonNode tree(Object value) {
        return Json.value(JsonCodec.write(value));
    }
}
