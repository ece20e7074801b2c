package io.taskhub.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskhub.ports.client.FunctionCatalog;
import io.taskhub.ports.client.InstanceStatus;
import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.model.StartOutcome;
import io.taskhub.ports.client.StatusOptions;
import io.taskhub.ports.client.TaskhubClient;
import io.taskhub.ports.errors.BatchStartException;
import io.taskhub.ports.errors.IllegalInstanceStateException;
import io.taskhub.ports.errors.InstanceAlreadyExistsException;
import io.taskhub.ports.errors.InstanceNotFoundException;
import io.taskhub.ports.errors.InvalidArgumentException;
import io.taskhub.ports.errors.Refusal;
import io.taskhub.ports.errors.StartTimeoutException;
import io.taskhub.ports.errors.StorageException;
import io.taskhub.ports.errors.UnknownTaskHubException;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.json.JsonCodec;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.InstancePage;
import io.taskhub.ports.query.InstanceQuery;
import io.taskhub.ports.model.ManagementOperation;
import io.taskhub.ports.query.PurgeFilter;
import io.taskhub.ports.model.PurgeResult;
import io.taskhub.ports.model.ReusePolicy;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.WorkerRegistration;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A {@link TaskhubClient} over a Taskhub server's HTTP API, with {@code java.net.http} and Jackson only. It
 * answers as the in-process client does: the same values, and failures as the same typed exceptions, decided from
 * the status code and the JSON error's structured fields (never from message text).
 *
 * <pre>{@code
 * TaskhubClient client = HttpTaskhubClient.connect("https://taskhub.example.com", apiKey);
 * String id = client.startNew(StartInstanceRequest.of("PlaceOrder", "{\"sku\":\"A-1\"}"));
 * }</pre>
 *
 * <p>{@link #deleteTaskHub()} is not offered over HTTP. Reuse policies and tags are not carried by the HTTP API's
 * start; a request that sets them is refused rather than started without them.
 */
public final class HttpTaskhubClient implements TaskhubClient {
    private static final String API = "/runtime/webhooks/durabletask";
    private static final String TASKHUB_API = "/taskhub/v1";
    private static final String CONTINUATION_HEADER = "x-ms-continuation-token";
    private static final Duration LONGEST_SERVER_WAIT = Duration.ofMinutes(5);

    private final HttpClient http;
    private final String root;
    private final String apiKey;
    private final String taskHub;
    private volatile String resolvedTaskHub;

    private HttpTaskhubClient(HttpClient http, String root, String apiKey, String taskHub) {
        this.http = http;
        this.root = root;
        this.apiKey = apiKey;
        this.taskHub = taskHub;
        this.resolvedTaskHub = taskHub;
    }

    /**
     * A client of the server's own task hub.
     *
     * @param baseUrl the server's root ({@code http://127.0.0.1:7071}), or the API URL that {@code serve} prints
     * @param apiKey  one of the server's API keys, or null when it needs none
     */
    public static HttpTaskhubClient connect(String baseUrl, String apiKey) {
        String root = baseUrl == null ? "" : baseUrl.strip();
        while (root.endsWith("/")) {
            root = root.substring(0, root.length() - 1);
        }
        if (root.endsWith(API)) {
            root = root.substring(0, root.length() - API.length());
        }
        URI uri;
        try {
            uri = URI.create(root);
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException("'" + baseUrl + "' is not a URL: " + e.getMessage());
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new InvalidArgumentException("'" + baseUrl + "' is not an http:// or https:// URL.");
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        return new HttpTaskhubClient(http, root, apiKey == null || apiKey.isEmpty() ? null : apiKey, null);
    }

    /** A client of another task hub of the same server (it must serve it: setting http.taskHubs). */
    public HttpTaskhubClient forTaskHub(String name) {
        return new HttpTaskhubClient(http, root, apiKey, name);
    }

    /** The task hub's name as the server reports it. */
    @Override
    public String taskHub() {
        if (resolvedTaskHub == null) {
            resolvedTaskHub = json(send(get(TASKHUB_API + "/ready", Map.of()), null)).path("taskHub").asText();
        }
        return resolvedTaskHub;
    }

    // ---- starting ----------------------------------------------------------------------------------------------

    @Override
    public String startNew(StartInstanceRequest request) {
        if (request.reusePolicy() != ReusePolicy.REJECT_IF_ACTIVE || !request.tags().isEmpty()) {
            throw new InvalidArgumentException("The HTTP API's start carries no reuse policy and no tags; start"
                    + " without them, or in process.");
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (request.startAt() != null) {
            params.put("startAt", request.startAt().toString());
        }
        if (request.version() != null) {
            params.put("version", request.version());
        }
        String path = API + "/orchestrators/" + segment(request.name())
                + (request.instanceId() == null ? "" : "/" + segment(request.instanceId()));
        HttpRequest.Builder post = post(path, params, request.input());
        return json(send(post, request.instanceId())).path("id").asText();
    }

    @Override
    public List<StartOutcome> startNewBatch(List<StartInstanceRequest> requests, boolean partial) {
        ArrayNode messages = JsonNodeFactory.instance.arrayNode();
        for (StartInstanceRequest request : requests) {
            ObjectNode message = messages.addObject();
            message.put("FunctionName", request.name());
            if (request.input() != null) {
                message.set("Input", parse(request.input()));
            }
            if (request.instanceId() != null) {
                message.put("InstanceId", request.instanceId());
            }
        }
        JsonNode answer = json(send(post(TASKHUB_API + "/start", partial ? Map.of("partial", "true") : Map.of(),
                messages.toString()), null));
        List<StartOutcome> outcomes = new ArrayList<>();
        answer.forEach(o -> outcomes.add(outcome(o)));
        return outcomes;
    }

    // ---- reading -----------------------------------------------------------------------------------------------

    @Override
    public Optional<InstanceStatus> getStatus(String instanceId, StatusOptions options) {
        HttpResponse<String> response = execute(get(TASKHUB_API + "/instances/" + segment(instanceId),
                Map.of("showHistory", String.valueOf(options.showHistory()),
                        "showInput", String.valueOf(options.showInput()))));
        if (response.statusCode() == 404 && response.body().isBlank()) {
            return Optional.empty();
        }
        JsonNode body = json(check(response, instanceId));
        List<HistoryEvent> history = null;
        if (body.has("history")) {
            history = new ArrayList<>();
            for (JsonNode event : body.get("history")) {
                history.add(JsonCodec.readEvent(event.toString()));
            }
        }
        List<FunctionCatalog.Function> withoutWorker = new ArrayList<>();
        body.path("withoutWorker").forEach(f -> withoutWorker.add(JsonCodec.read(f.toString(),
                FunctionCatalog.Function.class)));
        return Optional.of(new InstanceStatus(metadata(body.get("instance")), history, withoutWorker));
    }

    @Override
    public List<WorkerRegistration> liveWorkers() {
        JsonNode body = json(send(get(TASKHUB_API + "/workers", Map.of()), null));
        List<WorkerRegistration> workers = new ArrayList<>();
        body.path("workers").forEach(w -> workers.add(JsonCodec.read(w.toString(), WorkerRegistration.class)));
        return workers;
    }

    @Override
    public InstancePage list(InstanceQuery query) {
        Map<String, String> params = filters(query);
        params.put("top", String.valueOf(query.pageSize()));
        params.put("showInput", String.valueOf(query.fetchInputsAndOutputs()));
        HttpRequest.Builder request = get(TASKHUB_API + "/instances", params);
        if (query.continuationToken() != null) {
            request.header(CONTINUATION_HEADER, query.continuationToken());
        }
        JsonNode body = json(send(request, null));
        List<InstanceMetadata> instances = new ArrayList<>();
        body.path("instances").forEach(m -> instances.add(metadata(m)));
        JsonNode token = body.get("continuationToken");
        return new InstancePage(instances, token == null || token.isNull() ? null : token.asText());
    }

    @Override
    public Map<RuntimeStatus, Long> countByStatus(InstanceQuery query) {
        JsonNode counts = json(send(get(TASKHUB_API + "/counts", filters(query)), null)).path("counts");
        Map<RuntimeStatus, Long> result = new EnumMap<>(RuntimeStatus.class);
        counts.fields().forEachRemaining(e -> {
            if (e.getValue().asLong() > 0) {
                result.put(RuntimeStatus.valueOf(e.getKey()), e.getValue().asLong());
            }
        });
        return result;
    }

    @Override
    public Optional<InstanceMetadata> waitForCompletion(String instanceId, Duration timeout) {
        return waitUntil(instanceId, timeout, "completion");
    }

    @Override
    public Optional<InstanceMetadata> waitForStart(String instanceId, Duration timeout) {
        return waitUntil(instanceId, timeout, "start");
    }

    /** The server waits (woken by the instance's progress) in slices of at most its longest wait. */
    private Optional<InstanceMetadata> waitUntil(String instanceId, Duration timeout, String until) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            Duration slice = left.compareTo(LONGEST_SERVER_WAIT) > 0 ? LONGEST_SERVER_WAIT : left;
            HttpResponse<String> response = execute(get(TASKHUB_API + "/instances/" + segment(instanceId) + "/wait",
                    Map.of("timeout", seconds(slice), "until", until)), slice.plusSeconds(30));
            if (response.statusCode() == 404 && response.body().isBlank()) {
                return Optional.empty();
            }
            InstanceMetadata m = metadata(json(check(response, instanceId)).get("instance"));
            boolean reached = until.equals("start") ? m.runtimeStatus() != RuntimeStatus.Pending
                    : m.runtimeStatus().isTerminal();
            if (reached || System.nanoTime() >= deadline) {
                return Optional.of(m);
            }
        }
    }

    // ---- changing ----------------------------------------------------------------------------------------------

    @Override
    public void raiseEvent(String instanceId, String eventName, String payload) {
        operate(instanceId, "raiseEvent/" + segment(eventName), Map.of(), payload == null ? "null" : payload,
                ManagementOperation.RAISE_EVENT);
    }

    @Override
    public void terminate(String instanceId, String reason, boolean recursive) {
        operate(instanceId, "terminate", withReason(reason, Map.of("recursive", String.valueOf(recursive))), "",
                ManagementOperation.TERMINATE);
    }

    @Override
    public void suspend(String instanceId, String reason) {
        operate(instanceId, "suspend", withReason(reason, Map.of()), "", ManagementOperation.SUSPEND);
    }

    @Override
    public void resume(String instanceId, String reason) {
        operate(instanceId, "resume", withReason(reason, Map.of()), "", ManagementOperation.RESUME);
    }

    @Override
    public void rewind(String instanceId, String reason) {
        operate(instanceId, "rewind", withReason(reason, Map.of()), "", ManagementOperation.REWIND);
    }

    @Override
    public String restart(String instanceId, boolean newInstanceId) {
        HttpResponse<String> response = execute(post(API + "/instances/" + segment(instanceId) + "/restart",
                Map.of("restartWithNewInstanceId", String.valueOf(newInstanceId)), ""));
        if (response.statusCode() == 400 && !exists(instanceId)) {
            throw new InstanceNotFoundException(instanceId); // Durable Functions answers a missing one with 400
        }
        return json(check(response, instanceId, ManagementOperation.RESTART)).path("id").asText();
    }

    @Override
    public PurgeResult purge(String instanceId, boolean recursive) {
        JsonNode body = json(send(request("DELETE", API + "/instances/" + segment(instanceId),
                Map.of("recursive", String.valueOf(recursive)), null), instanceId, ManagementOperation.PURGE));
        return new PurgeResult(body.path("instancesDeleted").asInt(), true);
    }

    @Override
    public PurgeResult purge(PurgeFilter filter, Duration timeBudget) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("createdTimeFrom", filter.createdFrom().toString());
        if (filter.createdTo() != null) {
            params.put("createdTimeTo", filter.createdTo().toString());
        }
        if (filter.statuses().isEmpty()) {
            return PurgeResult.NONE; // no status: nothing matches
        }
        params.put("runtimeStatus", filter.statuses().stream().map(Enum::name).collect(Collectors.joining(",")));
        long deadline = System.nanoTime() + timeBudget.toNanos();
        PurgeResult total = PurgeResult.NONE;
        do {
            HttpResponse<String> response = execute(request("DELETE", API + "/instances", params, null));
            if (response.statusCode() == 404) {
                return total; // nothing (more) matched
            }
            JsonNode body = json(check(response, null));
            total = total.plus(new PurgeResult(body.path("instancesDeleted").asInt(),
                    body.path("isComplete").asBoolean(true)));
        } while (!total.isComplete() && System.nanoTime() < deadline);
        return total;
    }

    /** What the server runs, and where each name came from ({@code GET /taskhub/v1/orchestrators}). */
    public FunctionCatalog functions() {
        JsonNode body = json(send(get(TASKHUB_API + "/orchestrators", Map.of()), null));
        List<FunctionCatalog.Function> functions = new ArrayList<>();
        for (FunctionCatalog.Kind kind : FunctionCatalog.Kind.values()) {
            String group = kind == FunctionCatalog.Kind.ORCHESTRATOR ? "orchestrators" : "activities";
            for (JsonNode entry : body.path(group)) {
                JsonNode source = entry.get("source");
                functions.add(new FunctionCatalog.Function(kind, entry.path("name").asText(),
                        source == null || source.isNull() ? null : source.asText()));
            }
        }
        List<FunctionCatalog.Function> listed = List.copyOf(functions);
        return () -> listed;
    }

    /** Not offered over HTTP: a task hub is deleted where its storage is configured ({@code taskhub}, embedded). */
    @Override
    public void deleteTaskHub() {
        throw new UnsupportedOperationException("Deleting a task hub is not offered over the HTTP API; use the"
                + " taskhub command without --endpoint, or an embedded Taskhub.");
    }

    // ---- HTTP plumbing -----------------------------------------------------------------------------------------

    private void operate(String instanceId, String operation, Map<String, String> params, String body,
            ManagementOperation kind) {
        send(post(API + "/instances/" + segment(instanceId) + "/" + operation, params, body), instanceId, kind);
    }

    private static Map<String, String> withReason(String reason, Map<String, String> params) {
        Map<String, String> all = new LinkedHashMap<>(params);
        if (reason != null) {
            all.put("reason", reason);
        }
        return all;
    }

    private boolean exists(String instanceId) {
        return getStatus(instanceId, new StatusOptions(false, false, false)).isPresent();
    }

    private HttpRequest.Builder get(String path, Map<String, String> params) {
        return request("GET", path, params, null);
    }

    private HttpRequest.Builder post(String path, Map<String, String> params, String json) {
        return request("POST", path, params, json == null ? "" : json).header("Content-Type", "application/json");
    }

    private HttpRequest.Builder request(String method, String path, Map<String, String> params, String body) {
        Map<String, String> all = new LinkedHashMap<>(params);
        if (taskHub != null) {
            all.put("taskHub", taskHub);
        }
        String query = all.entrySet().stream().map(e -> e.getKey() + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(root + path + (query.isEmpty() ? ""
                : "?" + query))).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (apiKey != null) {
            builder.header("x-functions-key", apiKey); // a header, never in a URL that may be logged
        }
        return builder;
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String instanceId) {
        return check(execute(request), instanceId);
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String instanceId, ManagementOperation kind) {
        return check(execute(request), instanceId, kind);
    }

    private HttpResponse<String> execute(HttpRequest.Builder request) {
        return execute(request, null);
    }

    private HttpResponse<String> execute(HttpRequest.Builder request, Duration timeout) {
        if (timeout != null) {
            request.timeout(timeout);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new StorageException("Cannot reach the Taskhub server at " + root + ": " + why(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("Interrupted while waiting for the Taskhub server at " + root, e);
        }
    }

    /** What went wrong with a connection, in words (a refused connection carries no message of its own). */
    private static String why(IOException e) {
        if (e instanceof java.net.ConnectException) {
            return "nothing accepts connections there (is the server running, and are the host and port right?)";
        }
        if (e instanceof java.net.http.HttpConnectTimeoutException) {
            return "the connection timed out (is the host reachable?)";
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "no answer within the request's timeout";
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    private HttpResponse<String> check(HttpResponse<String> response, String instanceId) {
        return check(response, instanceId, null);
    }

    /**
     * The one mapping from answers to the ports' exceptions: by status code and the error's structured fields
     * ({@code ExceptionType}, {@code RuntimeStatus}, {@code Errors}).
     */
    private HttpResponse<String> check(HttpResponse<String> response, String instanceId, ManagementOperation kind) {
        int status = response.statusCode();
        if (status < 300) {
            return response;
        }
        JsonNode error = response.body().isBlank() ? JsonNodeFactory.instance.objectNode() : parse(response.body());
        String message = error.isTextual() ? error.asText() : error.path("ExceptionMessage").asText(
                error.path("Message").asText("HTTP " + status));
        String type = error.path("ExceptionType").asText("");
        switch (status) {
            case 400 -> {
                if (error.has("Errors")) {
                    List<StartOutcome> outcomes = new ArrayList<>();
                    error.get("Errors").forEach(o -> outcomes.add(outcome(o)));
                    throw new BatchStartException(outcomes);
                }
                throw new InvalidArgumentException(message);
            }
            case 401, 403 -> throw new StorageException("The server refused the request: " + message);
            case 404 -> {
                if (type.equals(UnknownTaskHubException.class.getName())) {
                    throw new UnknownTaskHubException(taskHub, message);
                }
                throw instanceId != null && response.body().isBlank() ? new InstanceNotFoundException(instanceId)
                        : new InvalidArgumentException(message);
            }
            case 409 -> {
                RuntimeStatus current = RuntimeStatus.valueOf(error.path("RuntimeStatus").asText("Running"));
                if (kind == null || type.equals(InstanceAlreadyExistsException.class.getName())) {
                    throw new InstanceAlreadyExistsException(instanceId, current);
                }
                throw new IllegalInstanceStateException(instanceId, kind, current, Refusal.CONFLICT, message);
            }
            case 410, 412 -> {
                RuntimeStatus current = getStatus(instanceId, new StatusOptions(false, false, false))
                        .map(s -> s.metadata().runtimeStatus()).orElse(RuntimeStatus.Completed);
                Refusal refusal = status == 410 ? Refusal.GONE : Refusal.PRECONDITION_FAILED;
                throw new IllegalInstanceStateException(instanceId, kind, current, refusal, "Cannot "
                        + (kind == null ? "change" : kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '))
                        + " instance '" + instanceId + "': it is " + current + ".");
            }
            case 503 -> {
                if (type.equals(StartTimeoutException.class.getName())) {
                    throw new StartTimeoutException(error.path("InstanceId").asText(instanceId), message);
                }
                throw new StorageException(message);
            }
            default -> throw new StorageException("The server answered " + status + ": " + message);
        }
    }

    private static StartOutcome outcome(JsonNode node) {
        int index = node.path("index").asInt();
        return node.has("error") ? StartOutcome.refused(index, node.get("error").asText())
                : StartOutcome.started(index, node.path("id").asText());
    }

    private static InstanceMetadata metadata(JsonNode node) {
        return JsonCodec.read(node.toString(), InstanceMetadata.class);
    }

    private static JsonNode json(HttpResponse<String> response) {
        return parse(response.body());
    }

    private static JsonNode parse(String text) {
        try {
            JsonNode node = JsonCodec.mapper().readTree(text);
            return node == null ? JsonNodeFactory.instance.nullNode() : node;
        } catch (IOException e) {
            throw new StorageException("The server sent something that is not JSON: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> filters(InstanceQuery q) {
        Map<String, String> params = new LinkedHashMap<>();
        putInstant(params, "createdTimeFrom", q.createdFrom());
        putInstant(params, "createdTimeTo", q.createdTo());
        if (!q.statuses().isEmpty()) {
            params.put("runtimeStatus", q.statuses().stream().map(Enum::name).collect(Collectors.joining(",")));
        }
        putText(params, "instanceIdPrefix", q.instanceIdPrefix());
        putText(params, "name", q.name());
        putInstant(params, "lastUpdatedTimeFrom", q.lastUpdatedFrom());
        putInstant(params, "lastUpdatedTimeTo", q.lastUpdatedTo());
        putText(params, "parentInstanceId", q.parentInstanceId());
        putText(params, "customStatus", q.customStatusPrefix());
        return params;
    }

    private static void putInstant(Map<String, String> params, String name, java.time.Instant value) {
        if (value != null) {
            params.put(name, value.toString());
        }
    }

    private static void putText(Map<String, String> params, String name, String value) {
        if (value != null) {
            params.put(name, value);
        }
    }

    private static String seconds(Duration duration) {
        return java.math.BigDecimal.valueOf(duration.toMillis(), 3).toPlainString();
    }

    private static String segment(String value) {
        return encode(value).replace("+", "%20");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
