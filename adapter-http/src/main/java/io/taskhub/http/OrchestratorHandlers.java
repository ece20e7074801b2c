package io.taskhub.http;

import io.javalin.http.Context;
import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.client.TaskhubClient;
import io.taskhub.ports.errors.InstanceNotFoundException;

/** Starting instances: the start route, restart, and the convenience starters of the samples. */
final class OrchestratorHandlers {
    static final String FUNCTION_NAME = "functionName";
    static final String INSTANCE_ID = "instanceId";

    private final RequestSupport support;

    OrchestratorHandlers(RequestSupport support) {
        this.support = support;
    }

    /**
     * {@code POST orchestrators/{functionName}[/{instanceId}]}, also the convenience starter (HttpStart): 202
     * check-status, or wait when {@code timeout} and {@code pollingInterval} are given.
     */
    void start(Context ctx) {
        WaitForCompletion wait = WaitForCompletion.ifRequested(ctx);
        TaskhubClient client = support.client(ctx);
        ManagementUrls urls = support.urls(ctx, client); // validates its parameters before anything is stored
        String instanceId = startFrom(ctx, client);
        if (wait == null) {
            Responses.checkStatus(ctx, urls, instanceId);
        } else {
            wait.respond(ctx, client, urls, instanceId);
        }
    }

    /** {@code POST /api/orchestrators/{functionName}/wait} (HttpSyncStart): always waits. */
    void startAndWait(Context ctx) {
        WaitForCompletion wait = WaitForCompletion.always(ctx);
        TaskhubClient client = support.client(ctx);
        ManagementUrls urls = support.urls(ctx, client); // validates its parameters before anything is stored
        String instanceId = startFrom(ctx, client);
        wait.respond(ctx, client, urls, instanceId);
    }

    /** {@code POST instances/{instanceId}/restart}: the same orchestrator and input, new or same id. */
    void restart(Context ctx) {
        WaitForCompletion wait = WaitForCompletion.ifRequested(ctx);
        TaskhubClient client = support.client(ctx);
        boolean newInstanceId = QueryParams.bool(ctx, "restartWithNewInstanceId", true);
        ManagementUrls urls = support.urls(ctx, client); // validates its parameters before anything is stored
        String restarted;
        try {
            restarted = client.restart(ctx.pathParam(INSTANCE_ID), newInstanceId);
        } catch (InstanceNotFoundException e) {
            // Durable Functions reports a missing instance here as a bad argument, not as 404.
            throw new HttpRejection.BadRequest("InstanceId does not match a valid orchestration instance.");
        }
        if (wait == null) {
            Responses.checkStatus(ctx, urls, restarted);
        } else {
            wait.respond(ctx, client, urls, restarted);
        }
    }

    /**
     * The W3C Trace Context header: a start carries the caller's trace into the instance (its steps and activities
     * continue it); an invalid value is ignored, as the recommendation asks.
     */
    static final String TRACE_PARENT = "traceparent";

    private String startFrom(Context ctx, TaskhubClient client) {
        String instanceId = ctx.pathParamMap().get(INSTANCE_ID);
        StartInstanceRequest request = new StartInstanceRequest(ctx.pathParam(FUNCTION_NAME), support.body(ctx),
                instanceId, QueryParams.storableInstant(ctx, "startAt"), QueryParams.text(ctx, "version"), null, null,
                ctx.header(TRACE_PARENT));
        return client.startNew(request);
    }
}
