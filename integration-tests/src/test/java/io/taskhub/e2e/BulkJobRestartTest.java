package io.taskhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhub.core.client.DefaultTaskhubClients;
import io.taskhub.core.registry.OrchestrationRegistry;
import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.client.TaskhubClient;
import io.taskhub.ports.jobs.BulkJobProgress;
import io.taskhub.ports.jobs.BulkJobs;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.postgres.PostgresSchema;
import io.taskhub.postgres.PostgresStorageBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bulk job over 1,000 instances (10 pages) on PostgreSQL, its server killed (SIGKILL) in the middle of it: a server
 * started again on the same schema goes on where the job was, and the job ends with every instance done once,
 * counted once.
 */
class BulkJobRestartTest {
    private static final int INSTANCES = 1_000;
    private static final String PREFIX = "many-";
    private static final Duration PATIENCE = Duration.ofMinutes(3);

    @TempDir
    Path dir;

    @Test
    void aJobOfTenPages_goesOnAfterItsServerIsKilled() {
        try (PostgresSchema schema = PostgresSchema.reserve();
                Storage storage = Storage.postgres(schema.config(), () -> { })) {
            long began = System.nanoTime();
            storeScheduledInstances(schema);
            long storedAt = System.nanoTime();
            Map<String, String> environment = new HashMap<>(storage.environment());
            environment.put("TASKHUB_WORKER_LEASESECONDS", "2"); // the killed server's page is taken over soon
            TaskhubProcess taskhub = new TaskhubProcess(dir, environment);

            String job;
            JsonNode atKill;
            try (ServeProcess first = taskhub.serve(dir.resolve("logs"), "--port", "0")) {
                job = first.api().taskhubPost("/taskhub/v1/jobs", "instanceIdPrefix=" + PREFIX,
                        "{\"operation\":\"terminate\",\"reason\":\"restart test\"}").path("id").asText();
                atKill = awaitJob(first.api(), job, j -> j.path("done").asLong() >= 200, "200 done");
                first.kill();
            }
            long killed = System.nanoTime();
            assertThat(atKill.path("matched").asLong()).isEqualTo(INSTANCES);
            // What the store holds after the kill (not the last answer before it): a job in the middle.
            BulkJobProgress stored = storedProgress(schema, job);
            assertThat(stored.done()).as("done when the server was killed").isLessThan(INSTANCES);

            try (ServeProcess second = taskhub.serve(dir.resolve("logs"), "--port", "0")) {
                JsonNode finished = awaitJob(second.api(), job,
                        j -> j.path("runtimeStatus").asText().equals("Completed"), "Completed");
                assertThat(finished.path("matched").asLong()).as(finished::toString).isEqualTo(INSTANCES);
                assertThat(finished.path("done").asLong()).as(finished::toString).isEqualTo(INSTANCES);
                assertThat(finished.path("failed").asLong()).as(finished::toString).isZero();
                assertThat(finished.path("remaining").asLong()).as(finished::toString).isZero();
                // Each terminate is a step of its instance: all of them get there, none twice or lost.
                JsonNode counts = awaitCounts(second.api(),
                        c -> c.path("counts").path("Terminated").asLong() == INSTANCES);
                assertThat(counts.path("total").asLong()).as(counts::toString).isEqualTo(INSTANCES);
                System.out.printf("bulk job restart: %d instances stored in %d ms; killed at %d done after %d ms;"
                        + " job and instances finished %d ms after the kill%n", INSTANCES,
                        (storedAt - began) / 1_000_000, stored.done(), (killed - storedAt) / 1_000_000,
                        (System.nanoTime() - killed) / 1_000_000);
            }
        }
    }

    private static BulkJobProgress storedProgress(PostgresSchema schema, String job) {
        try (PostgresStorageBackend backend = PostgresStorageBackend.start(schema.config())) {
            InstanceMetadata row = backend.taskHub("TaskHub").getInstance(job).orElseThrow();
            assertThat(row.runtimeStatus()).as("the job when its server was killed").isEqualTo(RuntimeStatus.Running);
            return BulkJobs.progress(row.customStatus());
        }
    }

    /** Instances that start tomorrow: stored and Pending, so that nothing runs in the test but the job. */
    private static void storeScheduledInstances(PostgresSchema schema) {
        try (PostgresStorageBackend backend = PostgresStorageBackend.start(schema.config())) {
            OrchestrationRegistry registry = OrchestrationRegistry.fromClassPath(BulkJobRestartTest.class
                    .getClassLoader());
            TaskhubClient client = new DefaultTaskhubClients(backend, registry, "TaskHub").forTaskHub("TaskHub");
            Instant tomorrow = Instant.now().plus(Duration.ofDays(1));
            List<StartInstanceRequest> batch = new ArrayList<>();
            for (int i = 0; i < INSTANCES; i++) {
                batch.add(StartInstanceRequest.of("Approval", "{\"timeoutSeconds\":60}")
                        .withInstanceId(PREFIX + i).withStartAt(tomorrow));
                if (batch.size() == 1_000) {
                    client.startNewBatch(batch);
                    batch.clear();
                }
            }
        }
    }

    private static JsonNode awaitJob(ServerApi api, String job, Predicate<JsonNode> condition, String what) {
        return poll(() -> api.taskhubGet("/taskhub/v1/jobs/" + job, ""), condition, "job " + job + ": " + what);
    }

    private static JsonNode awaitCounts(ServerApi api, Predicate<JsonNode> condition) {
        return poll(() -> api.taskhubGet("/taskhub/v1/counts", "instanceIdPrefix=" + PREFIX), condition,
                "every instance Terminated");
    }

    private static JsonNode poll(java.util.function.Supplier<JsonNode> read, Predicate<JsonNode> condition,
            String what) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = read.get();
            if (condition.test(last)) {
                return last;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("Not reached within " + PATIENCE.toSeconds() + " s: " + what + "; last seen: " + last);
    }
}
