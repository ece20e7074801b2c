package io.taskhub.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.taskhub.ports.client.InstanceStatus;
import io.taskhub.ports.client.StatusOptions;
import io.taskhub.ports.client.TaskhubClient;
import io.taskhub.ports.errors.InstanceNotFoundException;
import io.taskhub.ports.errors.InvalidArgumentException;
import io.taskhub.ports.jobs.BulkJobInput;
import io.taskhub.ports.jobs.BulkJobProgress;
import io.taskhub.ports.jobs.BulkJobRequest;
import io.taskhub.ports.jobs.BulkJobs;
import io.taskhub.ports.jobs.BulkOperation;
import io.taskhub.ports.json.JsonCodec;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.InstancePage;
import io.taskhub.ports.query.InstanceQuery;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /taskhub/v1/jobs}: bulk operations as durable jobs. A job is an instance of the built-in
 * {@link BulkJobs#ORCHESTRATOR}, so starting, showing and cancelling one are the instance operations of any client,
 * translated: its filter is the list filters of the query string, its progress its custom status.
 */
final class JobHandlers {
    static final String JOB_ID = "jobId";
    private static final List<String> FILTERS = List.of("createdTimeFrom", "createdTimeTo", "runtimeStatus",
            "instanceIdPrefix", "name", "lastUpdatedTimeFrom", "lastUpdatedTimeTo", "parentInstanceId",
            "customStatus");
    private static final List<String> TIMES = List.of("createdTimeFrom", "createdTimeTo", "lastUpdatedTimeFrom",
            "lastUpdatedTimeTo");
    private static final Set<String> SERVER_PARAMETERS = Set.of("taskHub", "connection", "code");
    private static final List<String> BODY_FIELDS = List.of("operation", "reason", "eventName", "eventData");

    private final RequestSupport support;

    JobHandlers(RequestSupport support) {
        this.support = support;
    }

    /** {@code POST /taskhub/v1/jobs?<list filters>} with {@code {"operation":…,"reason":…,"eventName":…,"eventData":…}}. */
    void start(Context ctx) {
        JsonNode body = body(ctx);
        JsonNode eventData = body.get("eventData");
        BulkJobRequest request = new BulkJobRequest(BulkOperation.parse(text(body, "operation")), filter(ctx),
                text(body, "reason"), text(body, "eventName"),
                eventData == null || eventData.isNull() ? null : Json.write(eventData));
        TaskhubClient client = support.client(ctx);
        String id = client.startNew(BulkJobs.start(request));
        ctx.header("Location", ctx.contextPath() + ManagementRoutes.TASKHUB_PREFIX + "/jobs/" + id);
        Responses.json(ctx, 202, render(client.getStatus(id, StatusOptions.DEFAULT)
                .map(InstanceStatus::metadata).orElseThrow(() -> new InstanceNotFoundException(id))));
    }

    /** {@code GET /taskhub/v1/jobs}: one page of jobs, oldest first; {@code continuationToken} for the next. */
    void list(Context ctx) {
        InstanceQuery.Builder query = InstanceQuery.builder().name(BulkJobs.ORCHESTRATOR).fetchInputsAndOutputs(true)
                .statuses(QueryParams.statuses(ctx, "runtimeStatus"))
                .continuationToken(QueryParams.text(ctx, "continuationToken"));
        Integer top = QueryParams.integer(ctx, "top");
        if (top != null) {
            query.pageSize(top);
        }
        InstancePage page = support.client(ctx).list(query.build());
        ArrayNode jobs = Json.array();
        page.instances().forEach(m -> jobs.add(render(m)));
        ObjectNode answer = Json.object();
        answer.set("jobs", jobs);
        answer.put("continuationToken", page.continuationToken());
        Responses.json(ctx, 200, answer);
    }

    /**
     * {@code GET /taskhub/v1/jobs/targets?<list filters>}: {"targets":N}, how many instances a job with this filter
     * would act on now (what a confirmation states before the job starts); the filter is read as strictly.
     */
    void targets(Context ctx) {
        ObjectNode answer = Json.object();
        answer.put("targets", BulkJobs.targets(support.client(ctx), filter(ctx)));
        Responses.json(ctx, 200, answer);
    }

    /** {@code GET /taskhub/v1/jobs/{jobId}}. */
    void get(Context ctx) {
        Responses.json(ctx, 200, render(job(ctx)));
    }

    /** {@code POST /taskhub/v1/jobs/{jobId}/cancel}: the job stops after the page it is on (410 once finished). */
    void cancel(Context ctx) {
        InstanceMetadata job = job(ctx);
        support.client(ctx).terminate(job.instanceId(), "Cancelled", false);
        Responses.empty(ctx, 202);
    }

    private InstanceMetadata job(Context ctx) {
        String id = ctx.pathParam(JOB_ID);
        return support.client(ctx).getStatus(id, StatusOptions.DEFAULT).map(InstanceStatus::metadata)
                .filter(m -> m.name().equals(BulkJobs.ORCHESTRATOR))
                .orElseThrow(() -> new InstanceNotFoundException(id));
    }

    /** A job as its instance shows it: what it does, to what, its status and its progress. */
    static ObjectNode render(InstanceMetadata job) {
        ObjectNode node = Json.object();
        node.put("id", job.instanceId());
        node.put("runtimeStatus", job.runtimeStatus().name());
        node.put("createdTime", job.createdAt().toString());
        node.put("lastUpdatedTime", job.lastUpdatedAt().toString());
        BulkJobInput input = BulkJobs.input(job.input());
        if (input != null && input.request() != null) {
            node.put("operation", input.request().operation().wireName());
            node.set("filter", Json.value(JsonCodec.write(input.request().filter())));
            node.put("reason", input.request().reason());
            node.put("eventName", input.request().eventName());
        }
        BulkJobProgress progress = BulkJobs.progress(job.customStatus());
        if (progress != null) {
            node.put("matched", progress.matched());
            node.put("done", progress.done());
            node.put("failed", progress.failed());
            node.put("remaining", progress.remaining());
            node.put("complete", progress.complete());
            node.set("failures", Json.value(JsonCodec.write(progress.failures())));
        }
        return node;
    }

    /**
     * The list filters of the query string, read strictly: what a job changes must be exactly what was asked, so a
     * parameter the filter does not know (a misspelling), an empty one or a time that does not parse is refused
     * rather than ignored, which would widen the filter.
     */
    static InstanceQuery filter(Context ctx) {
        for (Map.Entry<String, List<String>> parameter : ctx.queryParamMap().entrySet()) {
            String name = parameter.getKey();
            if (!FILTERS.contains(name) && !SERVER_PARAMETERS.contains(name)) {
                throw new InvalidArgumentException("Unknown query parameter '" + name + "' for a bulk job: its filter"
                        + " takes " + FILTERS + ".");
            }
            if (FILTERS.contains(name) && parameter.getValue().stream().anyMatch(String::isBlank)) {
                throw new InvalidArgumentException("Query parameter '" + name + "' is empty: give a value or leave"
                        + " it out (a job's filter ignores nothing it is given).");
            }
        }
        for (String time : TIMES) {
            String value = ctx.queryParam(time);
            if (value != null && QueryParams.parseInstant(value).isEmpty()) {
                throw new InvalidArgumentException("Query parameter '" + time + "': '" + value
                        + "' is not an ISO-8601 time such as 2026-11-01T00:00:00Z.");
            }
        }
        return InstanceHandlers.filters(ctx).statuses(QueryParams.strictStatuses(ctx, "runtimeStatus")).build();
    }

    private JsonNode body(Context ctx) {
        String text = support.body(ctx);
        JsonNode body;
        try {
            body = text == null || text.isBlank() ? null : Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidArgumentException(ErrorMapper.INVALID_JSON + ": " + e.getOriginalMessage(), e);
        }
        if (body == null || !body.isObject()) {
            throw new HttpRejection.BadRequest("Send the job as {\"operation\":\"terminate|suspend|resume|purge|rewind"
                    + "|raiseEvent\",\"reason\":…,\"eventName\":…,\"eventData\":…}; its filter is the query string's.");
        }
        body.fieldNames().forEachRemaining(field -> {
            if (!BODY_FIELDS.contains(field)) {
                throw new InvalidArgumentException("Unknown field '" + field + "' in a bulk job: it takes " + BODY_FIELDS
                        + ", and its filter is the query string's (the list filters).");
            }
        });
        return body;
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidArgumentException("'" + field + "' must be a string.");
        }
        return value.asText();
    }
}
