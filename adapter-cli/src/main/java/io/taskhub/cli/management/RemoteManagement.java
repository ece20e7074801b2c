package io.taskhub.cli.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskhub.ports.errors.IllegalInstanceStateException;
import io.taskhub.ports.errors.InstanceAlreadyExistsException;
import io.taskhub.ports.errors.InstanceNotFoundException;
import io.taskhub.ports.errors.InvalidArgumentException;
import io.taskhub.ports.errors.Refusal;
import io.taskhub.ports.errors.StorageException;
import io.taskhub.ports.errors.TaskhubException;
import io.taskhub.ports.model.ManagementOperation;
import io.taskhub.ports.model.RuntimeStatus;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Management through a running server's Durable Functions HTTP API ({@code --endpoint}). HTTP answers are
 * turned back into the ports' exceptions, so commands report them exactly as in direct mode.
 */
public final class RemoteManagement implements Management {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String API_PATH = "/runtime/webhooks/durabletask";
    private static final Pattern EXISTING_STATUS = Pattern.compile("with the status (\\w+) already exists");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String root;
    private final String base;
    private final String taskHub;
    private final String apiKey;

    public RemoteManagement(String endpoint, String taskHub, String apiKey) {
        String trimmed = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        if (!trimmed.startsWith("http://") && !trimmed.startsWith("https://")) {
            throw new InvalidArgumentException("--endpoint must be an http:// or https:// URL, got '" + endpoint + "'.");
        }
        // The server's root, or the API's URL as 'taskhub serve' prints it.
        if (trimmed.endsWith(API_PATH)) {
            trimmed = trimmed.substring(0, trimmed.length() - API_PATH.length());
        }
        this.root = trimmed;
        this.base = trimmed + API_PATH;
        this.taskHub = taskHub;
        this.apiKey = apiKey;
    }

    @Override
    public String describe() {
        return base;
    }

    @Override
    public String startNew(String name, String inputJson, String instanceId, Instant startAt) {
        Map<String, String> params = new LinkedHashMap<>();
        if (startAt != null) {
            params.put("startAt", startAt.toString());
        }
        String path = "/orchestrators/" + segment(name) + (instanceId == null ? "" : "/" + segment(instanceId));
        HttpResponse<String> response = send("POST", path, params, inputJson == null ? "" : inputJson, instanceId,
                ManagementOperation.START);
        return body(response).path("id").asText();
    }

    @Override
    public Optional<JsonNode> status(String instanceId, boolean showHistory, boolean showHistoryOutput,
            boolean showInput) {
        Map<String, String> params = Map.of("showHistory", String.valueOf(showHistory),
                "showHistoryOutput", String.valueOf(showHistoryOutput), "showInput", String.valueOf(showInput));
        try {
            return Optional.of(body(send("GET", "/instances/" + segment(instanceId), params, null, instanceId, null)));
        } catch (InstanceNotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public InstancePageView list(InstanceFilter filter, int top, String continuationToken) {
        Map<String, String> params = new LinkedHashMap<>();
        putIf(params, "createdTimeFrom", filter.createdFrom());
        putIf(params, "createdTimeTo", filter.createdTo());
        putIf(params, "lastUpdatedTimeFrom", filter.lastUpdatedFrom());
        putIf(params, "lastUpdatedTimeTo", filter.lastUpdatedTo());
        if (!filter.statuses().isEmpty()) {
            params.put("runtimeStatus", filter.statuses().stream().map(Enum::name).sorted()
                    .collect(Collectors.joining(",")));
        }
        putIf(params, "instanceIdPrefix", filter.instanceIdPrefix());
        putIf(params, "name", filter.name());
        params.put("showInput", String.valueOf(filter.showInput()));
        params.put("top", String.valueOf(top));
        HttpRequest.Builder request = request("GET", "/instances", params, null);
        if (continuationToken != null) {
            request.header("x-ms-continuation-token", continuationToken);
        }
        HttpResponse<String> response = check(execute(request), null, null);
        List<JsonNode> items = new ArrayList<>();
        body(response).forEach(items::add);
        return new InstancePageView(items, response.headers().firstValue("x-ms-continuation-token").orElse(null));
    }

    @Override
    public void raiseEvent(String instanceId, String eventName, String payloadJson) {
        HttpRequest.Builder request = request("POST", "/instances/" + segment(instanceId) + "/raiseEvent/"
                + segment(eventName), Map.of(), payloadJson == null ? "null" : payloadJson)
                .header("Content-Type", "application/json");
        check(execute(request), instanceId, ManagementOperation.RAISE_EVENT);
    }

    @Override
    public void terminate(String instanceId, String reason, boolean recursive) {
        operation(instanceId, "terminate", reason, Map.of("recursive", String.valueOf(recursive)),
                ManagementOperation.TERMINATE);
    }

    @Override
    public void suspend(String instanceId, String reason) {
        operation(instanceId, "suspend", reason, Map.of(), ManagementOperation.SUSPEND);
    }

    @Override
    public void resume(String instanceId, String reason) {
        operation(instanceId, "resume", reason, Map.of(), ManagementOperation.RESUME);
    }

    @Override
    public void rewind(String instanceId, String reason) {
        operation(instanceId, "rewind", reason, Map.of(), ManagementOperation.REWIND);
    }

    private void operation(String instanceId, String name, String reason, Map<String, String> extra,
            ManagementOperation operation) {
        Map<String, String> params = new LinkedHashMap<>(extra);
        putIf(params, "reason", reason);
        send("POST", "/instances/" + segment(instanceId) + "/" + name, params, "", instanceId, operation);
    }

    @Override
    public String restart(String instanceId, boolean newInstanceId) {
        HttpResponse<String> response = send("POST", "/instances/" + segment(instanceId) + "/restart",
                Map.of("restartWithNewInstanceId", String.valueOf(newInstanceId)), "", instanceId,
                ManagementOperation.RESTART);
        return body(response).path("id").asText();
    }

    @Override
    public JsonNode purge(String instanceId, boolean recursive) {
        return body(send("DELETE", "/instances/" + segment(instanceId),
                Map.of("recursive", String.valueOf(recursive)), null, instanceId, ManagementOperation.PURGE));
    }

    @Override
    public JsonNode purgeBy(Instant createdFrom, Instant createdTo, Set<RuntimeStatus> statuses) {
        Map<String, String> params = new LinkedHashMap<>();
        putIf(params, "createdTimeFrom", createdFrom);
        putIf(params, "createdTimeTo", createdTo);
        if (!statuses.isEmpty()) {
            params.put("runtimeStatus", statuses.stream().map(Enum::name).sorted().collect(Collectors.joining(",")));
        }
        HttpResponse<String> response = execute(request("DELETE", "/instances", params, null));
        if (response.statusCode() == 404) {
            ObjectNode none = JsonNodeFactory.instance.objectNode();
            none.put("instancesDeleted", 0);
            none.put("isComplete", true);
            return none;
        }
        JsonNode result = body(check(response, null, ManagementOperation.PURGE));
        if (!result.has("isComplete") && result instanceof ObjectNode object) {
            object.put("isComplete", true);
        }
        return result;
    }

    /**
     * Polls the status (there is no wait route for an existing instance in the Durable Functions API), from
     * a quarter second up to two seconds between polls.
     */
    @Override
    public Optional<JsonNode> waitForCompletion(String instanceId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = 250;
        while (true) {
            Optional<JsonNode> status = status(instanceId, false, false, true);
            if (status.isEmpty() || isTerminal(status.get()) || System.nanoTime() >= deadline) {
                return status;
            }
            try {
                Thread.sleep(Math.min(pause, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return status;
            }
            pause = Math.min(pause * 2, 2000);
        }
    }

    private static boolean isTerminal(JsonNode status) {
        return RuntimeStatus.parse(status.path("runtimeStatus").asText()).map(RuntimeStatus::isTerminal).orElse(false);
    }

    @Override
    public void deleteTaskHub() {
        throw new InvalidArgumentException("delete-task-hub works on the backend directly: run it without --endpoint,"
                + " with the server's backend settings.");
    }

    @Override
    public JsonNode startBatch(List<JsonNode> startMessages) {
        ArrayNode body = JSON.createArrayNode();
        startMessages.forEach(body::add);
        String query = query(Map.of());
        return body(check(execute(HttpRequest.newBuilder(URI.create(root + "/taskhub/v1/start"
                + (query.isEmpty() ? "" : "?" + query))).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8))), null, null));
    }

    /** The server's own list, from {@code GET /taskhub/v1/orchestrators}. */
    @Override
    public JsonNode functions() {
        String key = apiKey == null ? "" : "?code=" + URLEncoder.encode(apiKey, StandardCharsets.UTF_8);
        return body(check(execute(HttpRequest.newBuilder(URI.create(root + "/taskhub/v1/orchestrators" + key))
                .timeout(Duration.ofSeconds(60)).GET()), null, null));
    }

    @Override
    public void close() {
        // HttpClient needs no closing on Java 17
    }

    // ---- HTTP plumbing -----------------------------------------------------------------------------------------

    private HttpResponse<String> send(String method, String path, Map<String, String> params, String body,
            String instanceId, ManagementOperation operation) {
        return check(execute(request(method, path, params, body)), instanceId, operation);
    }

    /** {@code params} with the task hub and key, as a query string. */
    private String query(Map<String, String> params) {
        Map<String, String> all = new LinkedHashMap<>(params);
        if (taskHub != null) {
            all.put("taskHub", taskHub);
        }
        if (apiKey != null) {
            all.put("code", apiKey);
        }
        return all.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private HttpRequest.Builder request(String method, String path, Map<String, String> params, String body) {
        String query = query(params);
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8);
        return HttpRequest.newBuilder(URI.create(base + path + (query.isEmpty() ? "" : "?" + query)))
                .timeout(Duration.ofSeconds(60)).method(method, publisher);
    }

    private HttpResponse<String> execute(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new StorageException("Cannot reach the Taskhub server at " + base + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("Interrupted while talking to " + base, e);
        }
    }

    private HttpResponse<String> check(HttpResponse<String> response, String instanceId,
            ManagementOperation operation) {
        int code = response.statusCode();
        if (code < 400 || (code == 500 && operation == null && response.body().contains("\"runtimeStatus\""))) {
            return response;
        }
        String message = message(response);
        switch (code) {
            case 400 -> {
                if (operation == ManagementOperation.RESTART && message.contains("does not match a valid")) {
                    throw new InstanceNotFoundException(instanceId);
                }
                throw new InvalidArgumentException(message);
            }
            case 401 -> throw new RemoteAccessException("The server refused the request (401): pass its API key with"
                    + " --api-key. " + message);
            case 404 -> throw new InstanceNotFoundException(instanceId == null ? "?" : instanceId);
            case 409 -> {
                Matcher existing = EXISTING_STATUS.matcher(message);
                if (existing.find()) {
                    throw new InstanceAlreadyExistsException(instanceId,
                            RuntimeStatus.parse(existing.group(1)).orElse(RuntimeStatus.Running));
                }
                throw new IllegalInstanceStateException(instanceId, operation, null, Refusal.CONFLICT, message);
            }
            case 410 -> throw new IllegalInstanceStateException(instanceId, operation, null, Refusal.GONE,
                    "Instance '" + instanceId + "' has already finished.");
            case 412 -> throw new IllegalInstanceStateException(instanceId, operation, null,
                    Refusal.PRECONDITION_FAILED, message.isEmpty()
                            ? "Instance '" + instanceId + "' is not in a status that allows this." : message);
            case 413 -> throw new InvalidArgumentException("The request is larger than the server accepts. " + message);
            default -> throw new TaskhubException("The server answered " + code + ": " + message);
        }
    }

    private static String message(HttpResponse<String> response) {
        String text = response.body();
        if (text == null || text.isBlank()) {
            return "";
        }
        try {
            JsonNode node = JSON.readTree(text);
            if (node.isTextual()) {
                return node.asText();
            }
            return node.path("Message").asText(text);
        } catch (IOException e) {
            return text;
        }
    }

    private static JsonNode body(HttpResponse<String> response) {
        try {
            String text = response.body();
            return text == null || text.isEmpty() ? JsonNodeFactory.instance.nullNode() : JSON.readTree(text);
        } catch (IOException e) {
            throw new TaskhubException("The server sent a response that is not JSON: " + e.getMessage());
        }
    }

    private static void putIf(Map<String, String> params, String key, Object value) {
        if (value != null) {
            params.put(key, value.toString());
        }
    }

    private static String segment(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
