package io.taskhub.cli.benchmark;

import io.taskhub.ports.client.TaskhubClient;
import io.taskhub.ports.history.ExecutionCompleted;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.history.OrchestratorCompleted;
import io.taskhub.ports.history.OrchestratorStarted;
import io.taskhub.ports.history.TaskCompleted;
import io.taskhub.ports.history.TaskScheduled;
import io.taskhub.ports.model.PurgeResult;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.query.PurgeFilter;
import io.taskhub.ports.store.BulkLoader;
import io.taskhub.ports.store.BulkLoader.FinishedInstances;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;

/**
 * A purge by filter of many finished instances with their history (10 events each, as a hello sequence of three
 * activities leaves), bulk-loaded first, timed through the client as `purge-history` runs it.
 */
public final class PurgeScenario {
    /** The figures of one backend; {@code skipped} says why when it could not run. */
    public record Figures(int instances, int historyRows, double loadSeconds, double purgeSeconds, String skipped) {
        public static Figures notRun(String why) {
            return new Figures(0, 0, Double.NaN, Double.NaN, why);
        }

        public double instancesPerSecond() {
            return instances / purgeSeconds;
        }
    }

    public Figures run(BulkLoader loader, String taskHub, TaskhubClient client, int instances) {
        // Two days back, a millisecond apart: well before the list scenario's instances in the same task hub (an
        // hour back), so that the purge's filter matches its own instances only.
        Instant createdFrom = Instant.now().minus(2, ChronoUnit.DAYS).minusMillis(instances)
                .truncatedTo(ChronoUnit.SECONDS);
        List<HistoryEvent> history = history(createdFrom);
        long loadStart = System.nanoTime();
        loader.load(taskHub, new FinishedInstances("purge-", instances, ListScenario.NAMES,
                List.of(RuntimeStatus.Completed), createdFrom, history));
        double loadSeconds = (System.nanoTime() - loadStart) / 1e9;

        long start = System.nanoTime();
        PurgeResult result = client.purge(new PurgeFilter(createdFrom, createdFrom.plusMillis(instances),
                Set.of(RuntimeStatus.Completed)), Duration.ofMinutes(30));
        double seconds = (System.nanoTime() - start) / 1e9;
        if (result.deletedInstanceCount() != instances || !result.isComplete()) {
            throw new IllegalStateException("The purge benchmark deleted " + result.deletedInstanceCount() + " of "
                    + instances + " instances" + (result.isComplete() ? "." : " and did not finish."));
        }
        return new Figures(instances, instances * history.size(), loadSeconds, seconds, null);
    }

    /** The ten events of a finished hello sequence, the same for every loaded instance. */
    private static List<HistoryEvent> history(Instant at) {
        return List.of(
                new ExecutionStarted(at, "E1_HelloSequence", null, null, "bulk", null, null, null),
                new OrchestratorStarted(at),
                new TaskScheduled(at, 0, "E1_SayHello", "\"Tokyo\""),
                new TaskCompleted(at, 0, "\"Hello Tokyo!\""),
                new TaskScheduled(at, 1, "E1_SayHello", "\"Seattle\""),
                new TaskCompleted(at, 1, "\"Hello Seattle!\""),
                new TaskScheduled(at, 2, "E1_SayHello", "\"London\""),
                new TaskCompleted(at, 2, "\"Hello London!\""),
                new OrchestratorCompleted(at),
                new ExecutionCompleted(at, RuntimeStatus.Completed, "[\"Hello Tokyo!\"]", null));
    }
}
