package io.taskhub.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The server's HTTP API, for what the tests set up and wait for. Commands under test run as processes; this
 * is only their scaffolding: starting fixtures cheaply and polling for the asynchronous outcome of a command.
 */
final class ServerApi {
    static final Duration PATIENCE = Duration.ofSeconds(90);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final String base;
    private final String taskHub;

    ServerApi(String managementUrl) {
        this(managementUrl, null);
    }

    private ServerApi(String base, String taskHub) {
        this.base = base;
        this.taskHub = taskHub;
    }

    /** The same server, another of its task hubs. */
    ServerApi taskHub(String name) {
        return new ServerApi(base, name);
    }

    /** Starts an instance and returns its id (the server's 202 answer). */
    String start(String orchestrator, String instanceId, String inputJson) {
        String path = "/orchestrators/" + encode(orchestrator) + (instanceId == null ? "" : "/" + encode(instanceId));
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path, ""))
                .POST(HttpRequest.BodyPublishers.ofString(inputJson == null ? "" : inputJson)));
        if (response.statusCode() != 202) {
            throw new AssertionError("Starting " + orchestrator + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return parse(response.body()).path("id").asText();
    }

    /** Raises an event (the server's 202 answer). */
    void raiseEvent(String instanceId, String eventName, String payloadJson) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/instances/" + encode(instanceId)
                + "/raiseEvent/" + encode(eventName), "")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(payloadJson)));
        if (response.statusCode() != 202) {
            throw new AssertionError("Raising " + eventName + " answered " + response.statusCode() + ": "
                    + response.body());
        }
    }

    /** The status with its history (inputs and results included), or empty when there is no such instance. */
    Optional<JsonNode> status(String instanceId) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/instances/" + encode(instanceId),
                "showHistory=true&showHistoryOutput=true")).GET());
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200 && response.statusCode() != 202) {
            throw new AssertionError("Status of " + instanceId + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return Optional.of(parse(response.body()));
    }

    /** Polls until the instance has one of these runtime statuses. */
    JsonNode awaitStatus(String instanceId, String... runtimeStatuses) {
        return await(instanceId, s -> Arrays.asList(runtimeStatuses).contains(s.path("runtimeStatus").asText()),
                "runtime status " + String.join(" or ", runtimeStatuses));
    }

    /** Polls until the instance exists and its status satisfies {@code condition}; fails after {@link #PATIENCE}. */
    JsonNode await(String instanceId, Predicate<JsonNode> condition, String description) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        Optional<JsonNode> last = Optional.empty();
        while (System.nanoTime() < deadline) {
            last = status(instanceId);
            if (last.isPresent() && condition.test(last.get())) {
                return last.get();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("Instance " + instanceId + " did not reach " + description + " within "
                + PATIENCE.toSeconds() + " s; last seen: " + last.map(JsonNode::toString).orElse("no such instance"));
    }

    /** GET of one of Taskhub's own routes ({@code /taskhub/v1/...}): the JSON of its 200 answer. */
    JsonNode taskhubGet(String path, String query) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(rootUri(path, query)).GET());
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return parse(response.body());
    }

    /** POST of JSON to one of Taskhub's own routes: the JSON of its 202 answer. */
    JsonNode taskhubPost(String path, String query, String json) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(rootUri(path, query))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
        if (response.statusCode() != 202) {
            throw new AssertionError("POST " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return parse(response.body());
    }

    /** A URI under the server's root (Taskhub's own routes), rather than under the management prefix. */
    private URI rootUri(String path, String query) {
        String root = base.substring(0, base.indexOf("/runtime/webhooks/durabletask"));
        URI management = uri("", query);
        return URI.create(root + path + (management.getRawQuery() == null ? "" : "?" + management.getRawQuery()));
    }

    private URI uri(String path, String query) {
        String hub = taskHub == null ? "" : "taskHub=" + encode(taskHub);
        String all = query.isEmpty() ? hub : hub.isEmpty() ? query : query + "&" + hub;
        return URI.create(base + path + (all.isEmpty() ? "" : "?" + all));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("The server did not answer: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while calling the server", e);
        }
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("The server sent something that is not JSON: " + body, e);
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
