package io.taskhub.cli.commands;

import io.taskhub.cli.output.OutputFormat;
import io.taskhub.cli.output.Printer;
import io.taskhub.cli.support.BundledSamples;
import io.taskhub.cli.support.CliContext;
import io.taskhub.cli.support.ExitCodes;
import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.client.TaskhubClient;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.query.InstanceQuery;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.runtime.Deployment;
import io.taskhub.runtime.PluginSet;
import io.taskhub.runtime.config.Settings;
import java.io.PrintWriter;
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

    @Spec
    CommandSpec spec;

    private record Figures(String backend, double instancesPerSecond, double activitiesPerSecond, double p50Millis,
            double p95Millis, double listMillis) {
    }

    @Override
    public Integer call() {
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
                    List.of()).withJars(List.of(BundledSamples.required()), classPath))) {
                deployment.startWorker();
                TaskhubClient client = deployment.clients().defaultClient();
                try {
                    results.add(measure(backend, client));
                } finally {
                    deployment.stopWorker(); // before the hub goes, so that nothing works on it any more
                    client.deleteTaskHub();
                }
            }
        }
        List<List<String>> rows = new ArrayList<>();
        for (Figures f : results) {
            rows.add(List.of(f.backend(), format(f.instancesPerSecond()), format(f.activitiesPerSecond()),
                    format(f.p50Millis()), format(f.p95Millis()), format(f.listMillis())));
        }
        printer.table(List.of("BACKEND", "INSTANCES/S", "ACTIVITIES/S", "LATENCY P50 MS", "LATENCY P95 MS",
                "LIST 100 MS"), rows);
        printer.line("Workload: " + instances + " E1_HelloSequence instances started at once (3 activities each);"
                + " then " + latencySamples + " started one at a time; list = one filtered page of 100.");
        return ExitCodes.SUCCESS;
    }

    private Figures measure(String backend, TaskhubClient client) {
        // Warm up the JIT and the connection pool so the first backend is not penalised.
        finish(client, client.startNew(StartInstanceRequest.of("E1_HelloSequence", null)));

        long burstStart = System.nanoTime();
        List<String> ids = new ArrayList<>(instances);
        for (int i = 0; i < instances; i++) {
            ids.add(client.startNew(StartInstanceRequest.of("E1_HelloSequence", null)));
        }
        ids.forEach(id -> finish(client, id));
        double burstSeconds = (System.nanoTime() - burstStart) / 1e9;

        double[] latencies = new double[latencySamples];
        for (int i = 0; i < latencySamples; i++) {
            long start = System.nanoTime();
            finish(client, client.startNew(StartInstanceRequest.of("E1_HelloSequence", null)));
            latencies[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(latencies);

        long listStart = System.nanoTime();
        int listRuns = 20;
        for (int i = 0; i < listRuns; i++) {
            client.list(InstanceQuery.builder().statuses(RuntimeStatus.Completed).pageSize(100).build());
        }
        double listMillis = (System.nanoTime() - listStart) / 1e6 / listRuns;
        return new Figures(backend, instances / burstSeconds, instances * 3 / burstSeconds,
                percentile(latencies, 0.50), percentile(latencies, 0.95), listMillis);
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
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
