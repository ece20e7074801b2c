package io.taskhub.cli.benchmark;

import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.client.TaskhubClient;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.query.InstanceQuery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine's own speed: hello sequences (3 activities each) started at once and one at a time, a page of the
 * list through the client, and one fan-out/fan-in.
 */
public final class HelloScenario {
    /**
     * One backend's figures; NaN where a part did not run. {@code commitsPerInstance} counts the database's
     * committed transactions during the burst, per instance (PostgreSQL only). {@code javaCpuMillisPerInstance} is
     * this process's CPU time during the burst, per instance (the database server's is not in it), and
     * {@code jitSeconds} how long the JIT compiler worked during the burst: a large one says the burst was measured
     * while the code was still being compiled. {@code databaseCpuMillisPerInstance} is the PostgreSQL server's CPU
     * time during the burst, per instance, where it runs on this machine ({@link DatabaseServerCpu}).
     */
    public record Figures(double instancesPerSecond, double activitiesPerSecond, double p50Millis, double p95Millis,
            double listMillis, double commitsPerInstance, double javaCpuMillisPerInstance, double jitSeconds,
            double databaseCpuMillisPerInstance, double fanInSeconds) {
        public Figures withFanInSeconds(double seconds) {
            return new Figures(instancesPerSecond, activitiesPerSecond, p50Millis, p95Millis, listMillis,
                    commitsPerInstance, javaCpuMillisPerInstance, jitSeconds, databaseCpuMillisPerInstance, seconds);
        }

        /** Figures of a run with no burst. */
        public static Figures none() {
            return new Figures(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN, Double.NaN, Double.NaN);
        }
    }

    private final TaskhubClient client;
    private final CommitCounter commits;
    private final DatabaseServerCpu databaseCpu;

    public HelloScenario(TaskhubClient client, CommitCounter commits, DatabaseServerCpu databaseCpu) {
        this.client = client;
        this.commits = commits;
        this.databaseCpu = databaseCpu;
    }

    /** Runs {@code count} hello sequences started at once, unmeasured: the JIT and the pools warm up. */
    public void warmUp(int count) {
        List<String> warming = new ArrayList<>();
        for (int i = 0; i < Math.max(1, count); i++) {
            warming.add(client.startNew(StartInstanceRequest.of("E1_HelloSequence", null)));
        }
        warming.forEach(this::finish);
    }

    public Figures hello(int instances, int latencySamples) {
        long commitsBefore = commits.count();
        double databaseCpuBefore = databaseCpu.millis();
        ProcessCost costBefore = ProcessCost.now();
        long burstStart = System.nanoTime();
        List<String> ids = new ArrayList<>(instances);
        for (int i = 0; i < instances; i++) {
            ids.add(client.startNew(StartInstanceRequest.of("E1_HelloSequence", null)));
        }
        ids.forEach(this::finish);
        double burstSeconds = (System.nanoTime() - burstStart) / 1e9;
        ProcessCost cost = ProcessCost.now().since(costBefore);
        long commitsAfter = commits.count();
        double databaseCpuMillis = databaseCpu.millis() - databaseCpuBefore;
        double perSecond = instances / burstSeconds;
        double commitsPerInstance = commitsBefore < 0 || commitsAfter < 0 ? Double.NaN
                : (double) (commitsAfter - commitsBefore) / instances;

        double[] latencies = new double[latencySamples];
        for (int i = 0; i < latencySamples; i++) {
            long start = System.nanoTime();
            finish(client.startNew(StartInstanceRequest.of("E1_HelloSequence", null)));
            latencies[i] = (System.nanoTime() - start) / 1e6;
        }
        Percentiles latency = new Percentiles(latencies);

        long listStart = System.nanoTime();
        int listRuns = 20;
        for (int i = 0; i < listRuns; i++) {
            client.list(InstanceQuery.builder().statuses(RuntimeStatus.Completed).pageSize(100).build());
        }
        double listMillis = (System.nanoTime() - listStart) / 1e6 / listRuns;
        return new Figures(perSecond, perSecond * 3, latency.p50(), latency.p95(), listMillis, commitsPerInstance,
                cost.cpuMillis() / instances, cost.jitMillis() / 1e3, databaseCpuMillis / instances, Double.NaN);
    }

    /** One FanOutFanIn of {@code activities}, start to completion. */
    public double fanInSeconds(int activities) {
        long start = System.nanoTime();
        finish(client.startNew(StartInstanceRequest.of("FanOutFanIn", "{\"count\":" + activities + "}")));
        return (System.nanoTime() - start) / 1e9;
    }

    private void finish(String id) {
        InstanceMetadata done = client.waitForCompletion(id, Duration.ofMinutes(5)).orElseThrow();
        if (done.runtimeStatus() != RuntimeStatus.Completed) {
            throw new IllegalStateException("Benchmark instance " + id + " ended " + done.runtimeStatus());
        }
    }
}
