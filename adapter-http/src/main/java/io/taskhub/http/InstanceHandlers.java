package io.taskhub.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.taskhub.ports.client.InstanceStatus;
import io.taskhub.ports.client.StatusOptions;
import io.taskhub.ports.client.TaskhubClient;
import io.taskhub.ports.errors.InstanceNotFoundException;
import io.taskhub.ports.errors.InvalidArgumentException;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.InstancePage;
import io.taskhub.ports.query.InstanceQuery;
import io.taskhub.ports.query.PurgeFilter;
import io.taskhub.ports.model.PurgeResult;
import java.time.Duration;
import java.time.Instant;

/** The {@code instances} resource: status, list, events, lifecycle operations and purge. */
final class InstanceHandlers {
    static final String INSTANCE_ID = "instanceId";
    static final String EVENT_NAME = "eventName";
    static final String CONTINUATION_HEADER = "x-ms-continuation-token";

    private final RequestSupport support;
    private final Duration purgeTimeBudget;

    InstanceHandlers(RequestSupport support, Duration purgeTimeBudget) {
        this.support = support;
        this.purgeTimeBudget = purgeTimeBudget;
    }

    /** {@code GET instances/{instanceId}}: never sends a continuation token. */
    void getStatus(Context ctx) {
        StatusOptions options = new StatusOptions(QueryParams.bool(ctx, "showHistory", false),
                QueryParams.bool(ctx, "showHistoryOutput", false), QueryParams.bool(ctx, "showInput", true));
        String instanceId = ctx.pathParam(INSTANCE_ID);
        InstanceStatus status = support.client(ctx).getStatus(instanceId, options)
                .orElseThrow(() -> new InstanceNotFoundException(instanceId));
        Responses.status(ctx, status, options, QueryParams.bool(ctx, "returnInternalServerErrorOnFailure", false),
                support.requestUrl(ctx));
    }

    /** {@code GET instances}: one page; the continuation header is always sent, empty on the last page. */
    void list(Context ctx) {
        boolean showInput = QueryParams.bool(ctx, "showInput", true);
        // showInput=false hides inputs only: outputs and custom statuses are still shown.
        InstanceQuery.Builder query = filters(ctx).fetchInputsAndOutputs(true)
                .continuationToken(ctx.header(CONTINUATION_HEADER));
        Integer top = QueryParams.integer(ctx, "top");
        if (top != null) {
            query.pageSize(top);
        }
        InstancePage page = support.client(ctx).list(query.build());
        ArrayNode body = Json.array();
        for (InstanceMetadata m : page.instances()) {
            body.add(StatusJson.render(m, null, false, showInput));
        }
        ctx.header(CONTINUATION_HEADER, page.continuationToken() == null ? "" : page.continuationToken());
        Responses.json(ctx, 200, body);
    }

    /** The list filters, shared with the counts route: Durable Functions' and Taskhub's additive ones. */
    static InstanceQuery.Builder filters(Context ctx) {
        return InstanceQuery.builder()
                .createdFrom(QueryParams.lenientInstant(ctx, "createdTimeFrom").orElse(null))
                .createdTo(QueryParams.lenientInstant(ctx, "createdTimeTo").orElse(null))
                .statuses(QueryParams.statuses(ctx, "runtimeStatus"))
                .instanceIdPrefix(QueryParams.text(ctx, "instanceIdPrefix"))
                .name(QueryParams.text(ctx, "name"))
                .lastUpdatedFrom(QueryParams.lenientInstant(ctx, "lastUpdatedTimeFrom").orElse(null))
                .lastUpdatedTo(QueryParams.lenientInstant(ctx, "lastUpdatedTimeTo").orElse(null))
                .parentInstanceId(QueryParams.text(ctx, "parentInstanceId"))
                .customStatusPrefix(QueryParams.text(ctx, "customStatus"));
    }

    /** Stands for a body whose content type is not JSON: no JSON value, so the client refuses it as such. */
    private static final String NOT_JSON = "<the request's content is not application/json>";

    /**
     * {@code POST instances/{instanceId}/raiseEvent/{eventName}}. Checked in Durable Functions' order: the
     * instance's own problems (404, 410) come before those of the request body (400).
     */
    void raiseEvent(Context ctx) {
        TaskhubClient client = support.client(ctx);
        String instanceId = ctx.pathParam(INSTANCE_ID);
        // A missing (404) or finished (410) instance is answered before a bad body (400): the client checks in
        // that order, so content that is not JSON is handed over as what it is, text that is no JSON value.
        boolean json = "application/json".equals(RequestSupport.mediaType(ctx));
        try {
            client.raiseEvent(instanceId, ctx.pathParam(EVENT_NAME), json ? support.body(ctx) : NOT_JSON);
        } catch (InvalidArgumentException e) {
            throw json ? e : new HttpRejection.BadRequest("Only application/json request content is supported");
        }
        Responses.empty(ctx, 202);
    }

    /** {@code POST instances/{instanceId}/terminate?reason=…&recursive=true}. */
    void terminate(Context ctx) {
        support.client(ctx).terminate(ctx.pathParam(INSTANCE_ID), reason(ctx),
                QueryParams.bool(ctx, "recursive", true));
        Responses.empty(ctx, 202);
    }

    void suspend(Context ctx) {
        support.client(ctx).suspend(ctx.pathParam(INSTANCE_ID), reason(ctx));
        Responses.empty(ctx, 202);
    }

    void resume(Context ctx) {
        support.client(ctx).resume(ctx.pathParam(INSTANCE_ID), reason(ctx));
        Responses.empty(ctx, 202);
    }

    void rewind(Context ctx) {
        support.client(ctx).rewind(ctx.pathParam(INSTANCE_ID), reason(ctx));
        Responses.empty(ctx, 202);
    }

    private static String reason(Context ctx) {
        return ctx.queryParam("reason");
    }

    /** {@code DELETE instances/{instanceId}?recursive=true}: 200 with the count, 404 when missing. */
    void purgeOne(Context ctx) {
        PurgeResult result = support.client(ctx).purge(ctx.pathParam(INSTANCE_ID),
                QueryParams.bool(ctx, "recursive", true));
        ObjectNode body = Json.object();
        body.put("instancesDeleted", result.deletedInstanceCount());
        Responses.json(ctx, 200, body);
    }

    /**
     * {@code DELETE instances?createdTimeFrom=…}: finished instances in chunks within a time budget; an
     * incomplete purge says {@code "isComplete":false} and is continued by calling again.
     */
    void purgeByFilter(Context ctx) {
        Instant from = QueryParams.lenientInstant(ctx, "createdTimeFrom").orElseThrow(() ->
                new HttpRejection.MissingParameter("Please provide value for 'createdTimeFrom' parameter."));
        Instant to = QueryParams.lenientInstant(ctx, "createdTimeTo").orElseGet(Instant::now);
        // Without runtimeStatus: every finished status; with it, those statuses (the client keeps finished ones).
        PurgeFilter filter = ctx.queryParams("runtimeStatus").isEmpty() ? PurgeFilter.anyFinishedStatus(from, to)
                : new PurgeFilter(from, to, QueryParams.statuses(ctx, "runtimeStatus"));
        PurgeResult result = support.client(ctx).purge(filter, purgeTimeBudget);
        if (result.deletedInstanceCount() == 0 && result.isComplete()) {
            Responses.empty(ctx, 404);
            return;
        }
        ObjectNode body = Json.object();
        body.put("instancesDeleted", result.deletedInstanceCount());
        body.put("isComplete", result.isComplete());
        Responses.json(ctx, 200, body);
    }
}
