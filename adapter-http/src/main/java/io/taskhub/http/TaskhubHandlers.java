package io.taskhub.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.taskhub.ports.client.FunctionCatalog;
import io.taskhub.ports.client.TaskhubClient;
import io.taskhub.ports.json.JsonCodec;
import io.taskhub.ports.query.InstanceQuery;
import io.taskhub.ports.model.RuntimeStatus;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Taskhub's own routes under {@code /taskhub/v1}: health, readiness, counts, the client binding, OpenAPI. */
final class TaskhubHandlers {
    private final RequestSupport support;
    private final Supplier<List<Route>> routes;
    private final FunctionCatalog functions;
    private final HttpMetrics metrics;
    private volatile String openApi;

    TaskhubHandlers(RequestSupport support, Supplier<List<Route>> routes, FunctionCatalog functions,
            HttpMetrics metrics) {
        this.support = support;
        this.routes = routes;
        this.functions = functions;
        this.metrics = metrics;
    }

    /** {@code GET /taskhub/v1/metrics}: the Prometheus text of every meter, or 404 when none are kept. */
    void metrics(Context ctx) {
        String text = metrics.scrape();
        if (text == null) {
            Responses.json(ctx, 404, ErrorMapper.message("This server keeps no metrics."));
            return;
        }
        ctx.status(200).contentType("text/plain; version=0.0.4; charset=utf-8").result(text);
    }

    /** {@code GET /taskhub/v1/orchestrators}: what this process runs. */
    void functions(Context ctx) {
        Responses.json(ctx, 200, StatusDocuments.functions(functions.functions()));
    }

    /** {@code GET /taskhub/v1/workers}: the task hub's live workers, each with the names it runs. */
    void workers(Context ctx) {
        TaskhubClient client = support.client(ctx);
        ObjectNode body = Json.object();
        body.put("taskHub", client.taskHub());
        body.set("workers", Json.value(JsonCodec.write(client.liveWorkers())));
        Responses.json(ctx, 200, body);
    }

    /** The server answers: it is alive. */
    void health(Context ctx) {
        ObjectNode body = Json.object();
        body.put("status", "Healthy");
        Responses.json(ctx, 200, body);
    }

    /** The task hub's storage answers a (one-row) query; a storage failure is answered 503 by the mapper. */
    void ready(Context ctx) {
        TaskhubClient client = support.client(ctx);
        client.list(InstanceQuery.builder().pageSize(1).fetchInputsAndOutputs(false).build());
        ObjectNode body = Json.object();
        body.put("status", "Ready");
        body.put("taskHub", client.taskHub());
        Responses.json(ctx, 200, body);
    }

    /** Counts per runtime status (every status listed, zeros included), with the list filters. */
    void counts(Context ctx) {
        TaskhubClient client = support.client(ctx);
        Map<RuntimeStatus, Long> counts = client.countByStatus(InstanceHandlers.filters(ctx).build());
        ObjectNode body = Json.object();
        body.put("taskHub", client.taskHub());
        ObjectNode byStatus = Json.object();
        long total = 0;
        for (RuntimeStatus status : RuntimeStatus.values()) {
            long count = counts.getOrDefault(status, 0L);
            byStatus.put(status.name(), count);
            total += count;
        }
        body.put("total", total);
        body.set("counts", byStatus);
        Responses.json(ctx, 200, body);
    }

    /** The binding data a Durable Functions SDK client is constructed from, pointing at this server. */
    void durableClient(Context ctx) {
        Responses.json(ctx, 200, support.urls(ctx, support.client(ctx)).durableClientBinding());
    }

    void openApi(Context ctx) {
        String document = openApi;
        if (document == null) {
            document = Json.write(OpenApiDocument.build(routes.get()));
            openApi = document;
        }
        ctx.status(200).contentType(Responses.JSON).result(document);
    }
}
