package io.taskhub.cli.commands;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskhub.cli.output.OutputFormat;
import io.taskhub.cli.output.Printer;
import io.taskhub.cli.support.BundledSamples;
import io.taskhub.cli.support.CliContext;
import io.taskhub.cli.support.ExitCodes;
import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.client.TaskhubClient;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.query.InstanceQuery;
import io.taskhub.runtime.Deployment;
import io.taskhub.runtime.PluginSet;
import io.taskhub.runtime.config.Settings;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Measures each named backend with the same workload in one run and prints the figures side by side: a
 * burst of hello sequences (throughput), one instance at a time (start-to-completion latency), and list
 * queries over what was stored. Each backend gets a fresh task hub, deleted afterwards.
 */
@Command(name = "benchmark", description = "Measure backends side by side: throughput, latency, list queries.",
        footer = {"%nExamples:", "  taskhub benchmark",
            "  taskhub benchmark --backends sqlite,postgres --instances 500 \\",
            "      --set postgres.url=jdbc:postgresql://127.0.0.1:5432/postgres"})
public final class BenchmarkCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "table (default) or json.")
    OutputFormat output = OutputFormat.table;

    @Option(names = "--backends", split = ",", defaultValue = "sqlite",
            description = "Backends to measure, in order (default: sqlite).")
    List<String> backends = new ArrayList<>();

    @Option(names = "--instances", defaultValue = "200", description = "Hello sequences in the burst (default 200).")
    int instances;

    @Option(names = "--latency-samples", defaultValue = "30", description = "Sequential instances timed one by one.")
    int latencySamples;

    @Option(names = "--warmup", defaultValue = "200", paramLabel = "N",
            description = "Hello sequences run (started at once) before anything is measured, so that the JIT and the"
                    + " connection pool are warm, as the DBOS peer warms up (default 200).")
    int warmup;

    @Option(names = "--scenario", defaultValue = "hello", paramLabel = "NAME",
            description = "hello (a burst of hello sequences, then one at a time, then list pages), fan-in (one"
                    + " FanOutFanIn of --fan-in activities), or all.")
    String scenario;

    @Option(names = "--fan-in", defaultValue = "10000", paramLabel = "N",
            description = "Activities of the fan-in scenario (default 10000).")
    int fanIn;

    @Spec
    CommandSpec spec;

    /**
     * One backend's figures; NaN where a scenario did not run. {@code commitsPerInstance} counts the database's
     * committed transactions during the burst, per instance (PostgreSQL only: pg_stat_database).
     */
    private record Figures(String backend, double instancesPerSecond, double activitiesPerSecond, double p50Millis,
            double p95Millis, double listMillis, double commitsPerInstance, double fanInSeconds,
            double fanInResultsPerSecond) {
    }

    @Override
    public Integer call() {
        if (!List.of("hello", "fan-in", "all").contains(scenario)) {
            throw new ParameterException(spec.commandLine(), "--scenario: '" + scenario
                    + "' is not one of hello, fan-in, all.");
        }
        PrintWriter out = spec.commandLine().getOut();
        Printer printer = new Printer(out, spec.commandLine().getErr(), output);
        CliContext cli = (CliContext) spec.root().userObject();
        List<Figures> results = new ArrayList<>();
        for (String backend : backends) {
            config.settings.put(Settings.BACKEND.key(), backend.trim());
            config.settings.put(Settings.TASK_HUB.key(), "bench" + UUID.randomUUID().toString().replace("-", "")
                    .substring(0, 12));
            printer.progress("Measuring " + backend + "...");
            Settings settings = config.settings(cli.environment());
            ClassLoader classPath = BenchmarkCommand.class.getClassLoader();
            // The workload is a sample: its jar is loaded whatever samples.enabled says.
            try (Deployment deployment = Deployment.assemble(settings, PluginSet.fromSettings(settings, classPath,
                    List.of()).withJars(BundledSamples.required(), classPath))) {
                deployment.startWorker();
                TaskhubClient client = deployment.clients().defaultClient();
                try {
                    results.add(measure(backend, client, new CommitCounter(settings)));
                } finally {
                    deployment.stopWorker(); // before the hub goes, so that nothing works on it any more
                    client.deleteTaskHub();
                }
            }
        }
        if (printer.isJson()) {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put("scenario", scenario).put("instances", instances).put("latencySamples", latencySamples)
                    .put("fanIn", fanIn);
            ArrayNode list = body.putArray("results");
            for (Figures f : results) {
                ObjectNode row = list.addObject().put("backend", f.backend());
                number(row, "instancesPerSecond", f.instancesPerSecond());
                number(row, "activitiesPerSecond", f.activitiesPerSecond());
                number(row, "latencyP50Millis", f.p50Millis());
                number(row, "latencyP95Millis", f.p95Millis());
                number(row, "list100Millis", f.listMillis());
                number(row, "commitsPerInstance", f.commitsPerInstance());
                number(row, "fanInSeconds", f.fanInSeconds());
                number(row, "fanInResultsPerSecond", f.fanInResultsPerSecond());
            }
            printer.json(body);
            return ExitCodes.SUCCESS;
        }
        List<List<String>> rows = new ArrayList<>();
        for (Figures f : results) {
            rows.add(List.of(f.backend(), format(f.instancesPerSecond()), format(f.activitiesPerSecond()),
                    format(f.p50Millis()), format(f.p95Millis()), format(f.listMillis()),
                    format(f.commitsPerInstance()), format(f.fanInResultsPerSecond())));
        }
        printer.table(List.of("BACKEND", "INSTANCES/S", "ACTIVITIES/S", "LATENCY P50 MS", "LATENCY P95 MS",
                "LIST 100 MS", "COMMITS/INSTANCE", "FAN-IN RESULTS/S"), rows);
        printer.line("Workload: " + (runs("hello") ? instances + " E1_HelloSequence instances started at once"
                + " (3 activities each); then " + latencySamples + " started one at a time; list = one filtered page"
                + " of 100" : "") + (runs("hello") && runs("fan-in") ? "; " : "")
                + (runs("fan-in") ? "fan-in = one FanOutFanIn of " + fanIn + " activities" : "") + "."
                + " Commits per instance: PostgreSQL's committed transactions during the burst (- elsewhere).");
        return ExitCodes.SUCCESS;
    }

    private boolean runs(String which) {
        return scenario.equals("all") || scenario.equals(which);
    }

    private Figures measure(String backend, TaskhubClient client, CommitCounter commits) {
        // Warm up the JIT and the connection pool so the first backend is not penalised.
        List<String> warming = new ArrayList<>();
        for (int i = 0; i < Math.max(1, warmup); i++) {
            warming.add(client.startNew(StartInstanceRequest.of("E1_HelloSequence", null)));
        }
        warming.forEach(id -> finish(client, id));
        double perSecond = Double.NaN;
        double p50 = Double.NaN;
        double p95 = Double.NaN;
        double listMillis = Double.NaN;
        double commitsPerInstance = Double.NaN;
        if (runs("hello")) {
            long commitsBefore = commits.count();
            long burstStart = System.nanoTime();
            List<String> ids = new ArrayList<>(instances);
            for (int i = 0; i < instances; i++) {
                ids.add(client.startNew(StartInstanceRequest.of("E1_HelloSequence", null)));
            }
            ids.forEach(id -> finish(client, id));
            double burstSeconds = (System.nanoTime() - burstStart) / 1e9;
            long commitsAfter = commits.count();
            perSecond = instances / burstSeconds;
            commitsPerInstance = commitsBefore < 0 || commitsAfter < 0 ? Double.NaN
                    : (double) (commitsAfter - commitsBefore) / instances;

            double[] latencies = new double[latencySamples];
            for (int i = 0; i < latencySamples; i++) {
                long start = System.nanoTime();
                finish(client, client.startNew(StartInstanceRequest.of("E1_HelloSequence", null)));
                latencies[i] = (System.nanoTime() - start) / 1e6;
            }
            Arrays.sort(latencies);
            p50 = percentile(latencies, 0.50);
            p95 = percentile(latencies, 0.95);

            long listStart = System.nanoTime();
            int listRuns = 20;
            for (int i = 0; i < listRuns; i++) {
                client.list(InstanceQuery.builder().statuses(RuntimeStatus.Completed).pageSize(100).build());
            }
            listMillis = (System.nanoTime() - listStart) / 1e6 / listRuns;
        }
        double fanInSeconds = Double.NaN;
        if (runs("fan-in")) {
            long start = System.nanoTime();
            finish(client, client.startNew(StartInstanceRequest.of("FanOutFanIn", "{\"count\":" + fanIn + "}")));
            fanInSeconds = (System.nanoTime() - start) / 1e9;
        }
        return new Figures(backend, perSecond, perSecond * 3, p50, p95, listMillis, commitsPerInstance,
                fanInSeconds, fanIn / fanInSeconds);
    }

    /** PostgreSQL's count of committed transactions in the benchmark's database; -1 on other backends. */
    private static final class CommitCounter {
        private final Settings settings;

        CommitCounter(Settings settings) {
            this.settings = settings;
        }

        long count() {
            if (!"postgres".equals(settings.get(Settings.BACKEND))) {
                return -1;
            }
            String user = settings.get(Settings.POSTGRES_USER);
            String password = settings.get(Settings.POSTGRES_PASSWORD);
            try (Connection c = DriverManager.getConnection(settings.get(Settings.POSTGRES_URL),
                    user.isEmpty() ? null : user, password.isEmpty() ? null : password);
                    Statement statement = c.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT pg_stat_force_next_flush(), xact_commit"
                            + " FROM pg_stat_database WHERE datname = current_database()")) {
                return rs.next() ? rs.getLong(2) : -1;
            } catch (SQLException e) {
                return -1; // the figure is left out rather than failing the benchmark
            }
        }
    }

    private static void number(ObjectNode row, String field, double value) {
        if (Double.isNaN(value)) {
            row.putNull(field);
        } else {
            row.put(field, Math.round(value * 10) / 10.0);
        }
    }

    private static void finish(TaskhubClient client, String id) {
        InstanceMetadata done = client.waitForCompletion(id, Duration.ofMinutes(5)).orElseThrow();
        if (done.runtimeStatus() != RuntimeStatus.Completed) {
            throw new IllegalStateException("Benchmark instance " + id + " ended " + done.runtimeStatus());
        }
    }

    private static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    }

    private static String format(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.1f", value);
    }
}
