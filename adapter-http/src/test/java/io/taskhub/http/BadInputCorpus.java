package io.taskhub.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Requests that are the caller's fault, each with the one answer every backend must give: never a 5xx, a JSON
 * error that names the problem, and nothing stored changed. Each entry came from a probe that once got a 500,
 * a 503, an instance that could never be removed, or a silently changed value.
 *
 * <p>Paths are under the webhook prefix unless they start with /taskhub/; {@code {running}} is the id of a running instance and {@code {missing}}
 * an id that exists nowhere. The task hub parameter is appended to every query.
 */
final class BadInputCorpus {
    /** How long the server under test waits for a silent client (see {@link BadInputContract}). */
    static final java.time.Duration IDLE_TIMEOUT = java.time.Duration.ofSeconds(1);

    /**
     * @param headers  extra header lines, each "Name: value"
     * @param body     the body bytes exactly as sent (null: none)
     * @param length   the Content-Length to declare (-1: the body's length; ignored when chunked)
     * @param mentions text the answer must contain (null: any message)
     */
    record Case(String name, String method, String path, List<String> headers, byte[] body, int length,
            int status, String mentions) {
        @Override
        public String toString() {
            return name;
        }
    }

    private BadInputCorpus() {
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        String start = "/orchestrators/E1_HelloSequence";
        // Scheduled starts beyond the range every backend stores (one was accepted and then poisoned for ever).
        for (String at : List.of("-4713-01-01T00:00:00Z", "-999999999-01-01T00:00:00Z", "2262-04-12T00:00:00Z",
                "%2B300000-01-01T00:00:00Z", "%2B999999999-12-31T23:59:59Z", "1677-01-01T00:00:00Z")) {
            cases.add(post("startAt=" + at, start + "?startAt=" + at, null, 400, "'startAt'"));
        }
        cases.add(post("startAt unparsable", start + "?startAt=yesterday", null, 400, "startAt"));
        // NUL characters, which PostgreSQL cannot store, and unpaired surrogates, which have no UTF-8 form.
        cases.add(post("NUL in version", start + "?version=a%00b", null, 400, "'version'"));
        cases.add(post("NUL in a new instance id", start + "/bad%00id", null, 400, null));
        // Parameters of the answer's links are checked before anything is stored (found by RequestFuzzContract: a
        // restart was made, and then refused for its 'connection').
        cases.add(post("NUL in the links' connection, start", start + "?connection=a%00b", null, 400, "'connection'"));
        cases.add(post("NUL in the links' connection, restart", "/instances/{running}/restart?connection=a%00b",
                null, 400, "'connection'"));
        cases.add(post("NUL in the links' connection, start and wait",
                "/api/orchestrators/E1_HelloSequence/wait?connection=a%00b&timeout=1", null, 400, "'connection'"));
        cases.add(post("NUL in the links' connection, batch start", "/taskhub/v1/start?connection=a%00b",
                "{\"FunctionName\":\"E1_HelloSequence\"}", 400, "'connection'"));
        cases.add(get("NUL in an instance id read", "/instances/bad%00id", List.of(), 400, null));
        cases.add(get("NUL in an instance id waited for", "/taskhub/v1/instances/bad%00id/wait?timeout=1",
                List.of(), 400, null));
        for (String filter : List.of("instanceIdPrefix", "name", "customStatus", "parentInstanceId")) {
            cases.add(get("NUL in " + filter, "/instances?" + filter + "=a%00", List.of(), 400, "'" + filter + "'"));
        }
        // Filter times beyond what any client can mean.
        for (String filter : List.of("createdTimeFrom", "createdTimeTo", "lastUpdatedTimeFrom", "lastUpdatedTimeTo")) {
            cases.add(get(filter + " far future", "/instances?" + filter + "=%2B999999999-12-31T23:59:59Z",
                    List.of(), 400, "'" + filter + "'"));
            cases.add(get(filter + " far past", "/instances?" + filter + "=-4713-01-01T00:00:00Z", List.of(), 400,
                    "'" + filter + "'"));
        }
        cases.add(get("counts with createdTimeFrom far future",
                "/taskhub/v1/counts?createdTimeFrom=%2B999999999-12-31T23:59:59Z", List.of(), 400,
                "'createdTimeFrom'"));
        cases.add(new Case("purge with createdTimeFrom far future", "DELETE",
                "/instances?createdTimeFrom=%2B999999999-12-31T23:59:59Z", List.of(), null, -1, 400,
                "'createdTimeFrom'"));
        // Continuation tokens that decode to no position a stored instance can have.
        for (String token : List.of("MzE1NTY4ODk4NjQ0MDMxOTkuOTk5OTk5OTk5Ong", "LTMxNTU3MDE0MTY3MjE5MjAwLjA6eA",
                "MS4wOgA", "bm90IGEgdG9rZW4", "%%%")) {
            cases.add(get("continuation token " + token, "/instances",
                    List.of("x-ms-continuation-token: " + token), 400, "Continuation token"));
        }
        // JSON that would not read back as written.
        cases.add(post("input with an unpaired surrogate", start, "\"\\ud800\"", 400, "unpaired surrogate"));
        cases.add(post("input with a number beyond a double", start, "1e999999", 400, "beyond the range"));
        cases.add(post("input nested in an object", start, "{\"a\":[1,\"\\udc00\"]}", 400, "unpaired surrogate"));
        cases.add(post("event with an unpaired surrogate", "/instances/{running}/raiseEvent/Note",
                "\"\\udc00\"", 400, "unpaired surrogate"));
        // Bodies that cannot be read as sent.
        String event = "/instances/{running}/raiseEvent/Note";
        cases.add(new Case("unknown charset on a start", "POST", start,
                List.of("Content-Type: application/json; charset=\"x-none\""), bytes("1"), -1, 415, "'x-none'"));
        cases.add(new Case("unknown charset", "POST", event, List.of("Content-Type: application/json; charset=bogus"),
                bytes("1"), -1, 415, "'bogus'"));
        cases.add(new Case("unknown charset, missing instance", "POST", "/instances/{missing}/raiseEvent/Note",
                List.of("Content-Type: application/json; charset=bogus"), bytes("1"), -1, 415, "'bogus'"));
        cases.add(new Case("malformed chunked event", "POST", event,
                List.of("Content-Type: application/json", "Transfer-Encoding: chunked"),
                bytes("zz\r\n{}\r\n0\r\n\r\n"), -1, 400, "could not be read"));
        cases.add(new Case("malformed chunked start", "POST", start,
                List.of("Content-Type: application/json", "Transfer-Encoding: chunked"),
                bytes("zz\r\n{}\r\n0\r\n\r\n"), -1, 400, "could not be read"));
        cases.add(new Case("body shorter than its length", "POST", event, List.of("Content-Type: application/json"),
                bytes("{}"), 100, 408, "did not arrive in time"));
        return cases;
    }

    private static Case post(String name, String path, String json, int status, String mentions) {
        return new Case(name, "POST", path, List.of("Content-Type: application/json"), json == null ? null
                : bytes(json), -1, status, mentions);
    }

    private static Case get(String name, String path, List<String> headers, int status, String mentions) {
        return new Case(name, "GET", path, headers, null, -1, status, mentions);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
