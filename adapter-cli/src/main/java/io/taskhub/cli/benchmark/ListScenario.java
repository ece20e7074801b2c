package io.taskhub.cli.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhub.http.TaskhubHttpServer;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.BulkLoader;
import io.taskhub.ports.store.BulkLoader.FinishedInstances;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * List queries over many stored instances, measured as a client sees them: through the HTTP API of a server in
 * this process. The instances are bulk-loaded (four names, eight in ten Completed, one Failed, one Terminated,
 * created a millisecond apart), then every list filter and some of their combinations are read page by page.
 */
public final class ListScenario {
    static final List<String> NAMES = List.of("E1_HelloSequence", "FanOutFanIn", "Monitor", "OrderWorkflow");
    static final List<RuntimeStatus> STATUSES = List.of(RuntimeStatus.Completed, RuntimeStatus.Completed,
            RuntimeStatus.Completed, RuntimeStatus.Completed, RuntimeStatus.Completed, RuntimeStatus.Completed,
            RuntimeStatus.Completed, RuntimeStatus.Completed, RuntimeStatus.Failed, RuntimeStatus.Terminated);
    private static final String ID_PREFIX = "list-";
    /** Reads of a filter right before its timed ones (its page's rows are counted on them). */
    private static final int WARM_UP_READS = 3;

    /** One filter's reads of a page of 100: how long each took, and how many instances a page held. */
    public record FilterFigures(String filter, double p50Millis, double p95Millis, int pageRows) {
    }

    /** The figures of one backend; {@code skipped} says why when it could not run. */
    public record Figures(int stored, double loadSeconds, int warmUpRounds, List<FilterFigures> filters,
            double countsP50Millis, double countsP95Millis, String skipped) {
        public static Figures notRun(String why) {
            return new Figures(0, Double.NaN, 0, List.of(), Double.NaN, Double.NaN, why);
        }
    }

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /**
     * Loads {@code stored} instances into {@code taskHub} with {@code loader}, reads every filter and the counts
     * {@code warmUpRounds} times (a server's request path is compiled by the JIT over the first few hundred
     * requests, and a server that answers lists has usually answered many), then reads each {@code samples} times
     * through {@code server}, timed.
     */
    public Figures run(BulkLoader loader, String taskHub, TaskhubHttpServer server, int stored, int samples,
            int warmUpRounds) {
        // Created in the past, a millisecond apart, ending an hour ago: every created-time filter has a known range
        // (and the purge scenario's instances, two days back, are outside all of them).
        Instant createdFrom = Instant.now().minus(1, ChronoUnit.HOURS).minusMillis(stored)
                .truncatedTo(ChronoUnit.SECONDS);
        long loadStart = System.nanoTime();
        loader.load(taskHub, new FinishedInstances(ID_PREFIX, stored, NAMES, STATUSES, createdFrom, List.of()));
        double loadSeconds = (System.nanoTime() - loadStart) / 1e9;

        String base = server.localBaseUrl() + "/runtime/webhooks/durabletask/instances?taskHub="
                + encode(taskHub) + "&top=100";
        String apiKey = server.config().apiKeys().isEmpty() ? null : server.config().apiKeys().get(0);
        Map<String, String> queries = filters(createdFrom, stored);
        String firstPageToken = send(base, null, apiKey).headers().firstValue("x-ms-continuation-token")
                .orElseThrow(() -> new IllegalStateException("The first page of " + stored
                        + " instances came without a continuation token."));
        String counts = server.localBaseUrl() + "/taskhub/v1/counts?taskHub=" + encode(taskHub);
        // Every request once in a while first, so that no filter is measured with a colder JIT than the others.
        for (int round = 0; round < warmUpRounds; round++) {
            for (String query : queries.values()) {
                expectOk(send(base + query, null, apiKey), query);
            }
            expectOk(send(base, firstPageToken, apiKey), "none, page 2");
            expectOk(send(counts, null, apiKey), "counts");
        }
        List<FilterFigures> filters = new ArrayList<>();
        for (Map.Entry<String, String> filter : queries.entrySet()) {
            filters.add(measure(filter.getKey(), base + filter.getValue(), null, apiKey, samples));
        }
        filters.add(measure("none, page 2", base, firstPageToken, apiKey, samples));

        double[] countMillis = new double[samples];
        for (int i = -WARM_UP_READS; i < samples; i++) {
            long start = System.nanoTime();
            HttpResponse<String> response = send(counts, null, apiKey);
            if (i >= 0) {
                countMillis[i] = (System.nanoTime() - start) / 1e6;
            }
            expectOk(response, "counts");
        }
        Percentiles countTimes = new Percentiles(countMillis);
        return new Figures(stored, loadSeconds, warmUpRounds, filters, countTimes.p50(), countTimes.p95(), null);
    }

    /** Each filter's query string, chosen so that every one matches many instances of the loaded range. */
    static Map<String, String> filters(Instant createdFrom, int stored) {
        Instant middle = createdFrom.plusMillis(stored / 2);
        String range = "&createdTimeFrom=" + encode(middle.toString())
                + "&createdTimeTo=" + encode(middle.plusMillis(Math.max(100, stored / 10)).toString());
        // Ids run from list-00000000; the prefix of the middle one without its last four digits covers 10,000.
        String middleId = new FinishedInstances(ID_PREFIX, stored, NAMES, STATUSES, createdFrom, List.of())
                .id(stored / 2);
        String prefix = middleId.substring(0, middleId.length() - (stored >= 100_000 ? 4 : 2));
        Map<String, String> filters = new LinkedHashMap<>();
        filters.put("none", "");
        filters.put("status", "&runtimeStatus=Failed");
        filters.put("two statuses", "&runtimeStatus=Failed,Terminated");
        filters.put("name", "&name=Monitor");
        filters.put("id prefix", "&instanceIdPrefix=" + encode(prefix));
        filters.put("created range", range);
        filters.put("status + name", "&runtimeStatus=Completed&name=FanOutFanIn");
        filters.put("status + created range", "&runtimeStatus=Terminated" + range);
        filters.put("name + status + created range", "&name=OrderWorkflow&runtimeStatus=Completed" + range);
        filters.put("id prefix + status", "&instanceIdPrefix=" + encode(prefix) + "&runtimeStatus=Failed");
        return filters;
    }

    private FilterFigures measure(String name, String url, String continuationToken, String apiKey, int samples) {
        double[] millis = new double[samples];
        int rows = 0;
        for (int i = -WARM_UP_READS; i < samples; i++) {
            long start = System.nanoTime();
            HttpResponse<String> response = send(url, continuationToken, apiKey);
            double elapsed = (System.nanoTime() - start) / 1e6;
            expectOk(response, name);
            if (i >= 0) {
                millis[i] = elapsed;
            } else {
                rows = rows(response, name);
            }
        }
        Percentiles times = new Percentiles(millis);
        return new FilterFigures(name, times.p50(), times.p95(), rows);
    }

    private int rows(HttpResponse<String> response, String filter) {
        try {
            JsonNode page = json.readTree(response.body());
            if (page.size() == 0) {
                throw new IllegalStateException("The list filter '" + filter + "' matched nothing: the benchmark"
                        + " would measure an empty page.");
            }
            return page.size();
        } catch (IOException e) {
            throw new IllegalStateException("The list filter '" + filter + "' answered no JSON array", e);
        }
    }

    private HttpResponse<String> send(String url, String continuationToken, String apiKey) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(1)).GET();
        if (continuationToken != null) {
            request.header("x-ms-continuation-token", continuationToken);
        }
        if (apiKey != null) {
            request.header("x-functions-key", apiKey);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + url + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during GET " + url, e);
        }
    }

    private static void expectOk(HttpResponse<String> response, String what) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException("The list benchmark's '" + what + "' request answered "
                    + response.statusCode() + ": " + response.body());
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
