package io.taskhub.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhub.ports.client.InstanceStatus;
import io.taskhub.ports.client.StatusOptions;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.query.InstanceQuery;
import io.taskhub.ports.store.Backlog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random requests over the server's own route table (read from its OpenAPI document): random methods, paths,
 * ids, query values, bodies and headers, from a seed that the failure message names (set {@code fuzz.seed} to
 * replay one). Whatever comes, the server answers without a 5xx, a refused request changes nothing stored, and the
 * server still answers afterwards. The hub's worker is stopped first, so that the only changes to what is stored
 * are those the requests make themselves.
 */
abstract class RequestFuzzContract extends HttpApiTestBase {
    private static final int REQUESTS = 400;
    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"};

    /** A route of the OpenAPI document: its method, its path template, and the names of its query parameters. */
    private record Operation(String method, String path, List<String> query) {
    }

    @Test
    void randomRequests_getNo5xx_changeNothingWhenRefused_andTheServerKeepsAnswering() {
        long seed = Long.getLong("fuzz.seed", new Random().nextLong());
        Random random = new Random(seed);
        String running = running();
        workers.forEach(w -> w.stop(Duration.ofSeconds(5)));
        workers.clear();
        List<Operation> operations = operations();
        assertThat(operations).hasSizeGreaterThan(20);
        String[] names = names();

        for (int i = 0; i < REQUESTS; i++) {
            Operation operation = operations.get(random.nextInt(operations.size()));
            String method = random.nextInt(5) == 0 ? pick(random, METHODS) : operation.method();
            String target = path(random, operation.path(), running, names) + query(random, operation.query());
            byte[] body = body(random);
            String head = head(random, method, target, body);
            Snapshot before = snapshot(running);

            String request = "seed " + seed + ", request " + i + ": " + head.replace("\r\n", " | ");
            RawHttp.Reply reply;
            try {
                reply = RawHttp.send(server.port(), head, method.equals("HEAD") ? new byte[0] : body);
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError(request + " got no answer: " + e.getMessage(), e);
            }

            assertThat(reply.status()).as("%s answered %s", request, reply.body()).isBetween(100, 499);
            if (reply.status() >= 400) {
                assertThat(snapshot(running)).as("refused (%s %s), yet stored state changed: %s", reply.status(),
                        reply.body(), request).isEqualTo(before);
            }
        }
        assertThat(http.get(base() + ManagementRoutes.TASKHUB_PREFIX + "/health").status()).isEqualTo(200);
    }

    /** Every operation of the server's OpenAPI document. */
    private List<Operation> operations() {
        JsonNode document = http.get(base() + ManagementRoutes.TASKHUB_PREFIX + "/openapi.json").json();
        List<Operation> operations = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                List<String> query = new ArrayList<>();
                op.getValue().path("parameters").forEach(p -> {
                    if ("query".equals(p.path("in").asText())) {
                        query.add(p.path("name").asText());
                    }
                });
                operations.add(new Operation(op.getKey().toUpperCase(Locale.ROOT), path.getKey(), query));
            }
        }
        return operations;
    }

    /** The orchestrators and activities the engine runs, so that starts can succeed. */
    private String[] names() {
        List<String> names = new ArrayList<>(registry.orchestratorNames());
        names.addAll(registry.activityNames());
        assertThat(names).as("registered functions").isNotEmpty();
        return names.toArray(String[]::new);
    }

    private static String path(Random random, String template, String running, String[] names) {
        StringBuilder path = new StringBuilder();
        for (String segment : template.split("/", -1)) {
            if (!path.isEmpty() || !segment.isEmpty()) {
                path.append('/');
            }
            if (segment.equals("{functionName}") && random.nextInt(2) == 0) {
                path.append(enc(pick(random, names)));
            } else if (segment.startsWith("{") && segment.endsWith("}")) {
                path.append(switch (random.nextInt(4)) {
                    case 0 -> running;
                    case 1 -> "no-such-instance";
                    default -> enc(text(random));
                });
            } else {
                path.append(random.nextInt(30) == 0 ? enc(text(random)) : segment);
            }
        }
        return path.toString();
    }

    private String query(Random random, List<String> names) {
        StringBuilder query = new StringBuilder();
        if (names.contains("timeout")) {
            // Waits are answered when the instance finishes or the timeout passes; the first value is the one
            // read, so whatever else comes, no request waits longer than a second for the running instance.
            query.append("timeout=1&");
        }
        // Always a task hub, mostly this test's (whose state is compared); now and then one that is not a name.
        query.append("taskHub=").append(random.nextInt(10) == 0 ? enc(text(random)) : hub);
        int count = random.nextInt(4);
        for (int i = 0; i < count; i++) {
            String name = names.isEmpty() || random.nextInt(5) == 0 ? text(random) : pick(random,
                    names.toArray(String[]::new));
            query.append(query.isEmpty() || query.charAt(query.length() - 1) == '&' ? "" : "&").append(enc(name))
                    .append('=').append(enc(value(random)));
        }
        if (random.nextInt(25) == 0) {
            query.append("&%zz=%"); // not percent-encoding at all
        }
        if (!query.isEmpty() && query.charAt(query.length() - 1) == '&') {
            query.setLength(query.length() - 1);
        }
        return query.isEmpty() ? "" : "?" + query;
    }

    private static String value(Random random) {
        return switch (random.nextInt(10)) {
            case 0 -> "";
            case 1 -> String.valueOf(random.nextLong());
            case 2 -> "2026-02-30T25:61:00Z";
            case 3 -> "2024-01-01T00:00:00Z";
            case 4 -> "Running,Completed";
            case 5 -> "true";
            case 6 -> "-1";
            case 7 -> "9".repeat(40);
            default -> text(random);
        };
    }

    private static byte[] body(Random random) {
        return switch (random.nextInt(9)) {
            case 0 -> new byte[0];
            case 7 -> ("{\"FunctionName\":\"E1_HelloSequence\",\"InstanceId\":\"" + random.nextInt(50)
                    + "\",\"Input\":" + random.nextInt() + "}").getBytes(StandardCharsets.UTF_8);
            case 1 -> "{\"n\":1}".getBytes(StandardCharsets.UTF_8);
            case 2 -> "[{\"name\":\"E1_HelloSequence\"},{\"name\":42}]".getBytes(StandardCharsets.UTF_8);
            case 3 -> "{not json".getBytes(StandardCharsets.UTF_8);
            case 4 -> "\"a string\"".getBytes(StandardCharsets.UTF_8);
            case 5 -> {
                byte[] bytes = new byte[random.nextInt(2000)];
                random.nextBytes(bytes);
                yield bytes;
            }
            case 6 -> ("{\"deep\":" + "[".repeat(3000) + "]".repeat(3000) + "}").getBytes(StandardCharsets.UTF_8);
            default -> text(random).getBytes(StandardCharsets.UTF_8);
        };
    }

    private static String head(Random random, String method, String target, byte[] body) {
        StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1");
        switch (random.nextInt(6)) {
            case 0 -> head.append("\r\nContent-Type: application/json");
            case 1 -> head.append("\r\nContent-Type: text/plain; charset=utf-8");
            case 2 -> head.append("\r\nContent-Type: ").append(ascii(random));
            default -> { }
        }
        if (random.nextInt(5) == 0) {
            head.append("\r\nx-ms-continuation-token: ").append(ascii(random));
        }
        if (random.nextInt(8) == 0) {
            head.append("\r\nx-functions-key: ").append(ascii(random));
        }
        head.append("\r\nContent-Length: ").append(method.equals("HEAD") ? 0 : body.length);
        return head.toString();
    }

    /** Text with the characters that break things: controls, quotes, slashes, percent signs, NUL, emoji, RTL. */
    private static String text(Random random) {
        String alphabet = "aZ09-_.~ /\\%?#&=+:;'\"<>{}[]|\u0000\u0007\u00e9\u202e\ud83d\ude00\u4e2d";
        int length = random.nextInt(12) == 0 ? 300 + random.nextInt(5000) : random.nextInt(24);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            char c = alphabet.charAt(random.nextInt(alphabet.length()));
            if (Character.isHighSurrogate(c) && text.length() < length - 1) {
                text.append(c).append('\ude00');
            } else if (!Character.isSurrogate(c)) {
                text.append(c);
            }
        }
        return text.toString();
    }

    /** Printable ASCII only: what a header value can carry on the wire. */
    private static String ascii(Random random) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(60);
        for (int i = 0; i < length; i++) {
            text.append((char) (33 + random.nextInt(94)));
        }
        return text.toString();
    }

    private static String pick(Random random, String[] values) {
        return values[random.nextInt(values.length)];
    }

    /**
     * What the hub stores: every instance (with its revision), the running instance's history, and the messages
     * and tasks waiting (the worker is stopped, so what a request enqueued stays there; -1 where the store does
     * not count them).
     */
    private record Snapshot(List<InstanceMetadata> instances, List<?> history, long messages, long tasks) {
    }

    private Snapshot snapshot(String running) {
        List<InstanceMetadata> instances = client().list(InstanceQuery.builder().pageSize(InstanceQuery.MAX_PAGE_SIZE)
                .build()).instances();
        List<?> history = client().getStatus(running, StatusOptions.WITH_HISTORY).map(InstanceStatus::history)
                .orElse(List.of());
        // A store that keeps no count of its queues (Azure Storage) is compared by its instances and history.
        Backlog backlog = backend.taskHub(hub).backlog().orElse(null);
        return new Snapshot(instances, history, backlog == null ? -1 : backlog.orchestrationMessages(),
                backlog == null ? -1 : backlog.activityTasks());
    }
}
