package io.taskhub.http;

import static io.javalin.http.HandlerType.DELETE;
import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.POST;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.taskhub.ports.client.FunctionCatalog;
import java.util.ArrayList;
import java.util.List;

/**
 * Every route the server serves, grouped by resource: {@code orchestrators} and {@code instances} under each
 * Durable Functions prefix, the convenience starters at the root, and Taskhub's own routes under
 * {@code /taskhub/v1}. Operation names match case-insensitively and a trailing slash is allowed (router
 * settings); a method a route does not serve is answered 404.
 */
final class ManagementRoutes {
    /** The prefixes Durable Functions serves its API under: webhook, local RPC, Functions 1.x. */
    static final List<String> PREFIXES = List.of(ManagementUrls.WEBHOOK_PREFIX, ManagementUrls.RPC_PREFIX,
            "/admin/extensions/DurableTaskExtension");
    static final String TASKHUB_PREFIX = "/taskhub/v1";

    private static final String[] COMMON = {"taskHub", "connection", "code"};
    private static final String[] WAIT = {"timeout", "pollingInterval", "returnInternalServerErrorOnFailure"};

    private final List<Route> routes = new ArrayList<>();

    ManagementRoutes(RequestSupport support, HttpConfig config, FunctionCatalog functions, HttpMetrics metrics) {
        OrchestratorHandlers orchestrators = new OrchestratorHandlers(support);
        InstanceHandlers instances = new InstanceHandlers(support, config.purgeTimeBudget());
        TaskhubHandlers taskhub = new TaskhubHandlers(support, this::routes, functions, metrics);
        BatchStartHandler batch = new BatchStartHandler(support);
        NativeHandlers documents = new NativeHandlers(support);
        for (String prefix : PREFIXES) {
            String suffix = prefix.equals(ManagementUrls.WEBHOOK_PREFIX) ? ""
                    : prefix.equals(ManagementUrls.RPC_PREFIX) ? "_rpc" : "_v1";
            orchestratorRoutes(prefix, suffix, orchestrators);
            instanceRoutes(prefix, suffix, instances, orchestrators);
        }
        convenienceRoutes("/api", "_api", orchestrators);
        convenienceRoutes("", "_root", orchestrators);
        taskhubRoutes(taskhub);
        jobRoutes(new JobHandlers(support));
        add(GET, TASKHUB_PREFIX + "/instances", documents::list, Route.Doc.of("listNative", "taskhub",
                        "One page of instances in Taskhub's own JSON form; the list filters apply.")
                .query("taskHub", "code", "top", "showInput", "createdTimeFrom", "createdTimeTo", "runtimeStatus",
                        "instanceIdPrefix", "name", "lastUpdatedTimeFrom", "lastUpdatedTimeTo", "parentInstanceId",
                        "customStatus")
                .answers(200, "{\"instances\":[…],\"continuationToken\":…}"));
        add(GET, TASKHUB_PREFIX + "/instances/{instanceId}", documents::status, Route.Doc.of("statusNative",
                        "taskhub", "An instance's stored metadata and, with showHistory=true, its history events, in"
                        + " Taskhub's own JSON form.")
                .query("taskHub", "code", "showHistory", "showInput")
                .answers(200, "{\"instance\":…,\"history\":[…]}").answers(404, "No such instance."));
        add(GET, TASKHUB_PREFIX + "/instances/{instanceId}/wait", documents::await, Route.Doc.of("waitNative",
                        "taskhub", "The instance once it finished (until=completion) or started (until=start), or"
                        + " as it is after the timeout (at most 300 s).")
                .query("taskHub", "code", "timeout", "until")
                .answers(200, "{\"instance\":…}").answers(404, "No such instance."));
        add(POST, TASKHUB_PREFIX + "/start", batch::start, Route.Doc.of("startBatch", "taskhub",
                        "Starts one start message {FunctionName, Input, InstanceId} or an array of up to 1000;"
                        + " all or nothing unless partial=true.")
                .query("taskHub", "code", "partial").body("A start message or an array of them.")
                .answers(202, "[{\"index\":0,\"id\":…,\"statusQueryGetUri\":…} or {\"index\":1,\"error\":…}]")
                .answers(400, "Nothing started: {\"Message\":…,\"Errors\":[{\"index\":…,\"error\":…}]}"));
    }

    List<Route> routes() {
        return List.copyOf(routes);
    }

    /** Declares every route on Javalin's routing config (inside {@code Javalin.create}). */
    void register(RoutesConfig config) {
        for (Route route : routes) {
            config.addHttpHandler(route.method(), route.path(), route.handler());
        }
    }

    // ---- orchestrators: start ----------------------------------------------------------------------------

    private void orchestratorRoutes(String prefix, String suffix, OrchestratorHandlers h) {
        Route.Doc start = Route.Doc.of("startNew" + suffix, "orchestrators",
                        "Start an orchestrator; optionally wait for it (timeout + pollingInterval).")
                .query(COMMON).query(WAIT).query("startAt", "version")
                .body("The orchestrator's input: any JSON value; empty means null.")
                .answers(202, "Started: the check-status response (Location, Retry-After: 10).")
                .answers(200, "Waited and Completed: the output; Failed/Terminated: the status object.")
                .answers(400, "Invalid JSON, unknown orchestrator, invalid instance id or parameter.")
                .answers(409, "An active instance with this id exists.")
                .answers(500, "Waited and Failed, with returnInternalServerErrorOnFailure=true.");
        add(POST, prefix + "/orchestrators/{functionName}", h::start, start);
        add(POST, prefix + "/orchestrators/{functionName}/{instanceId}", h::start,
                start.withOperationId("startNewWithId" + suffix));
    }

    // ---- instances: status, list, events, lifecycle, purge --------------------------------------------------

    private void instanceRoutes(String prefix, String suffix, InstanceHandlers h, OrchestratorHandlers o) {
        String instances = prefix + "/instances";
        String instance = instances + "/{instanceId}";
        add(GET, instances, h::list, Route.Doc.of("listInstances" + suffix, "instances",
                        "List instances, one page at a time (request header x-ms-continuation-token).")
                .query(COMMON).query("createdTimeFrom", "createdTimeTo", "runtimeStatus", "instanceIdPrefix",
                        "showInput", "top", "name", "lastUpdatedTimeFrom", "lastUpdatedTimeTo",
                        "parentInstanceId", "customStatus")
                .answers(200, "Status objects; header x-ms-continuation-token, empty on the last page.")
                .answers(400, "Invalid parameter (top out of 1..1000, invalid task hub name)."));
        add(DELETE, instances, h::purgeByFilter, Route.Doc.of("purgeInstances" + suffix, "instances",
                        "Purge finished instances created in a time range, in chunks.")
                .query(COMMON).query("createdTimeFrom", "createdTimeTo", "runtimeStatus")
                .answers(200, "{\"instancesDeleted\":N,\"isComplete\":bool}; call again while isComplete is false.")
                .answers(400, "createdTimeFrom is missing.")
                .answers(404, "Nothing matched."));
        add(GET, instance, h::getStatus, Route.Doc.of("getStatus" + suffix, "instances",
                        "Get an instance's status.")
                .query(COMMON).query("showHistory", "showHistoryOutput", "showInput",
                        "returnInternalServerErrorOnFailure")
                .answers(200, "Completed, Failed, Terminated or Canceled.")
                .answers(202, "Pending, Running, Suspended or ContinuedAsNew (Location, Retry-After: 5).")
                .answers(404, "No such instance (empty body).")
                .answers(500, "Failed, with returnInternalServerErrorOnFailure=true."));
        add(DELETE, instance, h::purgeOne, Route.Doc.of("purgeInstance" + suffix, "instances",
                        "Purge a finished instance (and its finished sub-orchestrations).")
                .query(COMMON).query("recursive")
                .answers(200, "{\"instancesDeleted\":N}")
                .answers(404, "No such instance (empty body).")
                .answers(409, "The instance has not finished."));
        add(POST, instance + "/raiseEvent/{eventName}", h::raiseEvent, Route.Doc.of("raiseEvent" + suffix,
                        "instances", "Send an event; buffered until the instance waits for it.")
                .query(COMMON).body("The event's payload (Content-Type: application/json).")
                .answers(202, "Accepted.")
                .answers(400, "Content-Type is not application/json, or invalid JSON.")
                .answers(404, "No such instance.")
                .answers(410, "The instance has finished."));
        lifecycle(instance, "terminate", suffix, h::terminate, "Terminate (recursive: sub-orchestrations too).",
                new int[] {202, 404, 410}, "recursive");
        lifecycle(instance, "suspend", suffix, h::suspend, "Suspend; events are held until resumed.",
                new int[] {202, 404, 409, 410});
        lifecycle(instance, "resume", suffix, h::resume, "Resume a suspended instance.",
                new int[] {202, 404, 409, 410});
        lifecycle(instance, "rewind", suffix, h::rewind, "Rewind a Failed instance: re-run what failed.",
                new int[] {202, 404, 412});
        add(POST, instance + "/restart", o::restart, Route.Doc.of("restart" + suffix, "instances",
                        "Start the instance's orchestrator again with its input, under a new or the same id.")
                .query(COMMON).query(WAIT).query("restartWithNewInstanceId")
                .answers(202, "Started: the check-status response.")
                .answers(200, "Waited: as start.")
                .answers(400, "No such instance.")
                .answers(409, "Same id requested and the instance is still active."));
    }

    private void lifecycle(String instance, String operation, String suffix, Handler handler, String summary,
            int[] statuses, String... extraQuery) {
        Route.Doc doc = Route.Doc.of(operation + suffix, "instances", summary).query(COMMON).query("reason")
                .query(extraQuery);
        for (int status : statuses) {
            doc = doc.answers(status, switch (status) {
                case 202 -> "Accepted; the status changes when the worker processes it.";
                case 404 -> "No such instance (empty body).";
                case 409 -> "Not allowed in the instance's status (the message names it).";
                case 410 -> "The instance has finished (empty body).";
                case 412 -> "The instance is not Failed (empty body).";
                default -> "";
            });
        }
        add(POST, instance + "/" + operation, handler, doc);
    }

    // ---- convenience starters (HttpStart, HttpSyncStart) ---------------------------------------------------

    private void convenienceRoutes(String prefix, String suffix, OrchestratorHandlers h) {
        add(POST, prefix + "/orchestrators/{functionName}/wait", h::startAndWait,
                Route.Doc.of("startAndWait" + suffix, "convenience",
                                "Start and wait up to timeout seconds (default 10); retryInterval is accepted.")
                        .query("taskHub", "code", "timeout", "retryInterval", "returnInternalServerErrorOnFailure")
                        .body("The orchestrator's input.")
                        .answers(200, "Completed: the output alone; Failed/Terminated: the status object.")
                        .answers(202, "Still running: the check-status response.")
                        .answers(400, "Invalid input or parameters."));
        Route.Doc start = Route.Doc.of("httpStart" + suffix, "convenience", "Start (as the HttpStart sample).")
                .query("taskHub", "code", "startAt", "version").body("The orchestrator's input.")
                .answers(202, "The check-status response.").answers(400, "Invalid input.")
                .answers(409, "An active instance with this id exists.");
        add(POST, prefix + "/orchestrators/{functionName}", h::start, start);
        add(POST, prefix + "/orchestrators/{functionName}/{instanceId}", h::start,
                start.withOperationId("httpStartWithId" + suffix));
    }

    // ---- Taskhub's own routes ----------------------------------------------------------------------------

    private void taskhubRoutes(TaskhubHandlers h) {
        add(GET, TASKHUB_PREFIX + "/health", h::health, Route.Doc.of("health", "taskhub", "Liveness.")
                .query("code").answers(200, "{\"status\":\"Healthy\"}"));
        add(GET, TASKHUB_PREFIX + "/ready", h::ready, Route.Doc.of("ready", "taskhub",
                        "Readiness: the task hub's storage answers.")
                .query("taskHub", "code").answers(200, "{\"status\":\"Ready\"}")
                .answers(503, "The storage backend does not answer."));
        add(GET, TASKHUB_PREFIX + "/metrics", h::metrics, Route.Doc.of("metrics", "taskhub",
                        "Every metric of this process (engine, HTTP API, connection pool, JVM) in the Prometheus text"
                        + " format; docs/operations.md describes them.")
                .query("code").answers(200, "Prometheus text (text/plain; version=0.0.4)")
                .answers(404, "This process keeps no metrics (an HTTP server embedded without them)."));
        add(GET, TASKHUB_PREFIX + "/counts", h::counts, Route.Doc.of("countByStatus", "taskhub",
                        "Instance counts per runtime status; the list filters apply.")
                .query("taskHub", "code", "createdTimeFrom", "createdTimeTo", "runtimeStatus", "instanceIdPrefix",
                        "name", "lastUpdatedTimeFrom", "lastUpdatedTimeTo", "parentInstanceId", "customStatus")
                .answers(200, "{\"taskHub\":…,\"total\":N,\"counts\":{\"Pending\":n,…}}"));
        add(GET, TASKHUB_PREFIX + "/durable-client", h::durableClient, Route.Doc.of("durableClientBinding",
                        "taskhub", "The durableClient binding data that Durable Functions SDK clients are built from.")
                .query("taskHub", "connection", "code").answers(200, "taskHubName, creationUrls, managementUrls, "
                        + "baseUrl, requiredQueryStringParameters, rpcBaseUrl"));
        add(GET, TASKHUB_PREFIX + "/orchestrators", h::functions, Route.Doc.of("listFunctions", "taskhub",
                        "The orchestrators and activities this server's process runs, each with its source.")
                .query("code").answers(200, "{\"orchestrators\":[{\"name\":…,\"source\":…}],"
                        + "\"activities\":[…]}"));
        add(GET, TASKHUB_PREFIX + "/workers", h::workers, Route.Doc.of("listWorkers", "taskhub",
                        "The task hub's running workers (from their announcements), each with the names it runs.")
                .query("taskHub", "code").answers(200, "{\"taskHub\":…,\"workers\":[{\"workerId\":…,"
                        + "\"orchestrators\":[…],\"activities\":[…],\"expiresAt\":…}]}"));
        add(GET, TASKHUB_PREFIX + "/openapi.json", h::openApi, Route.Doc.of("openApi", "taskhub",
                "This OpenAPI 3 document.").query("code").answers(200, "The document."));
    }

    // ---- bulk jobs --------------------------------------------------------------------------------------------

    private void jobRoutes(JobHandlers h) {
        String jobs = TASKHUB_PREFIX + "/jobs";
        String job = jobs + "/{" + JobHandlers.JOB_ID + "}";
        add(POST, jobs, h::start, Route.Doc.of("startJob", "jobs",
                        "Start a bulk job: one operation applied to every instance the list filters match, durably,"
                        + " a page at a time (jobs themselves are never its targets).")
                .query("taskHub", "code", "createdTimeFrom", "createdTimeTo", "runtimeStatus", "instanceIdPrefix",
                        "name", "lastUpdatedTimeFrom", "lastUpdatedTimeTo", "parentInstanceId", "customStatus")
                .body("{\"operation\":\"terminate|suspend|resume|purge|rewind|raiseEvent\",\"reason\":…,"
                        + "\"eventName\":…,\"eventData\":…}")
                .answers(202, "The job (Location: its URL).")
                .answers(400, "Unknown operation, a raiseEvent without an event name, or an invalid filter."));
        add(GET, jobs, h::list, Route.Doc.of("listJobs", "jobs", "One page of jobs, oldest first.")
                .query("taskHub", "code", "runtimeStatus", "top", "continuationToken")
                .answers(200, "{\"jobs\":[{\"id\":…,\"operation\":…,\"runtimeStatus\":…,\"matched\":N,"
                        + "\"done\":N,\"failed\":N,\"remaining\":N,\"failures\":[…]}],\"continuationToken\":…}"));
        // Before the job route: "targets" is never a job's id (those start with BulkJobs.ID_PREFIX).
        add(GET, jobs + "/targets", h::targets, Route.Doc.of("countJobTargets", "jobs",
                        "How many instances a job with this filter would act on now (jobs excluded).")
                .query("taskHub", "code", "createdTimeFrom", "createdTimeTo", "runtimeStatus", "instanceIdPrefix",
                        "name", "lastUpdatedTimeFrom", "lastUpdatedTimeTo", "parentInstanceId", "customStatus")
                .answers(200, "{\"targets\":N}").answers(400, "An invalid filter."));
        add(GET, job, h::get, Route.Doc.of("getJob", "jobs", "A job and its progress.")
                .query("taskHub", "code").answers(200, "The job.").answers(404, "No such job."));
        add(POST, job + "/cancel", h::cancel, Route.Doc.of("cancelJob", "jobs",
                        "Cancel a job: it stops after the page it is on (its status becomes Terminated).")
                .query("taskHub", "code").answers(202, "Accepted.").answers(404, "No such job.")
                .answers(410, "The job has finished."));
    }

    private void add(HandlerType method, String path, Handler handler, Route.Doc doc) {
        routes.add(new Route(method, path, handler, doc));
    }
}
