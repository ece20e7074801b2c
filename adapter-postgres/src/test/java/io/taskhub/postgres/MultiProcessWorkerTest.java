package io.taskhub.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.core.client.DefaultTaskhubClient;
import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.history.ExecutionCompleted;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.history.TaskCompleted;
import io.taskhub.ports.history.TaskScheduled;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.InstancePage;
import io.taskhub.ports.query.InstanceQuery;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.tck.TestOrchestrations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Worker processes (separate JVMs) sharing one database: every instance completes, no orchestration step is
 * committed twice, and a worker killed with SIGKILL loses nothing once its leases expire (3 s here), those of the
 * activities handed to it without task rows included.
 */
class MultiProcessWorkerTest {
    private static final int INSTANCES = 500;
    private static final Duration LEASE = Duration.ofSeconds(3);
    private static final String EXPECTED_OUTPUT = "[\"Hello Tokyo!\",\"Hello Seattle!\",\"Hello London!\"]";

    @RegisterExtension
    static final SchemaPerClass schema = new SchemaPerClass();
    private final List<Process> workers = new ArrayList<>();

    @AfterEach
    void stopWorkers() throws Exception {
        for (Process worker : workers) {
            worker.getOutputStream().close(); // asks it to stop
        }
        for (Process worker : workers) {
            if (!worker.waitFor(15, TimeUnit.SECONDS)) {
                worker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        workers.clear();
    }

    /**
     * One run covers both: two worker JVMs share the work until one of them is killed in the middle, then the
     * other finishes alone once the dead worker's leases expire. Checking every history afterwards shows that
     * neither the sharing nor the crash made any step commit twice or go missing.
     */
    @Test
    void twoWorkerProcesses_oneKilledMidRun_finish500Instances_withEveryStepCommittedOnce() throws Exception {
        OrchestrationStore store = newTaskHub();
        // after its first 60 activities, those the doomed worker's own steps hand to it hang: it surely holds such
        // work when it is killed
        Process doomed = startWorker(store, "worker-doomed", "60");
        startWorker(store, "worker-survivor");
        List<String> ids = startHelloInstances(store);
        Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
                .until(() -> completed(store) >= 50 && hangs(store, "worker-doomed", HANDED_OFF)
                        && leasesHeldBy("worker-survivor", store.taskHubName()) > 0);
        // It dies in the middle of an activity its own step's commit handed to it (no claim made for it), most of
        // them handed without task rows: recorded on their instances' rows only, given back by the housekeeping
        // once their lease runs out.
        assertThat(hangs(store, "worker-doomed", HANDED_OFF)).isTrue();
        assertThat(handedWithoutRowsTo("worker-doomed", store.taskHubName()))
                .as("instances with activities handed to the doomed worker without rows").isPositive();

        doomed.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no graceful stop, leases left behind
        assertThat(doomed.waitFor(10, TimeUnit.SECONDS)).isTrue();
        int strandedLeases = leasesHeldBy("worker-doomed", store.taskHubName());

        assertThat(strandedLeases).as("the killed worker held leases when it died").isPositive();
        awaitAllCompleted(store);
        assertCompletedExactlyOnce(store, ids);
    }

    /** How the log says an activity hangs that the worker's own step handed to it. */
    private static final String HANDED_OFF = "hangs on thread taskhub-handed-off";

    /** True once the worker's log says an activity hangs ({@code how}): from then on it holds that activity's lease. */
    private static boolean hangs(OrchestrationStore store, String workerId, String how) throws java.io.IOException {
        Path log = workerLog(store, workerId);
        return Files.exists(log) && Files.readString(log).contains(how);
    }

    private static Path workerLog(OrchestrationStore store, String workerId) {
        return Path.of("target", "worker-logs", store.taskHubName() + "-" + workerId + ".log");
    }

    private static OrchestrationStore newTaskHub() {
        OrchestrationStore store = schema.backend().taskHub("mp" + UUID.randomUUID().toString().replace("-", "")
                .substring(0, 16));
        store.createTaskHubIfNotExists();
        return store;
    }

    private Process startWorker(OrchestrationStore store, String workerId, String... extraArgs) throws Exception {
        PostgresConfig config = schema.config();
        Path log = workerLog(store, workerId);
        Files.createDirectories(log.getParent());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                WorkerProcessMain.class.getName(), config.jdbcUrl(), config.user(),
                config.password() == null ? "-" : config.password(), config.schema(), store.taskHubName(),
                String.valueOf(LEASE.toMillis()), workerId));
        command.addAll(List.of(extraArgs));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        Process process = builder.start();
        workers.add(process);
        return process;
    }

    private static List<String> startHelloInstances(OrchestrationStore store) {
        DefaultTaskhubClient client = new DefaultTaskhubClient(store, TestOrchestrations.registry());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < INSTANCES; i++) {
            ids.add(client.startNew(StartInstanceRequest.of("Hello", null).withInstanceId(String.format("hello-%03d", i))));
        }
        return ids;
    }

    private static long completed(OrchestrationStore store) {
        return store.countInstances(InstanceQuery.builder().statuses(RuntimeStatus.Completed).build())
                .getOrDefault(RuntimeStatus.Completed, 0L);
    }

    private static void awaitAllCompleted(OrchestrationStore store) {
        Awaitility.await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(250))
                .until(() -> completed(store) == INSTANCES);
    }

    /** Every instance's output is right, and its history shows each step exactly once. */
    private static void assertCompletedExactlyOnce(OrchestrationStore store, List<String> ids) {
        List<InstanceMetadata> all = new ArrayList<>();
        String token = null;
        do {
            InstancePage page = store.queryInstances(InstanceQuery.builder().pageSize(InstanceQuery.MAX_PAGE_SIZE)
                    .continuationToken(token).build());
            all.addAll(page.instances());
            token = page.continuationToken();
        } while (token != null);
        assertThat(all).extracting(InstanceMetadata::instanceId).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(all).allSatisfy(m -> {
            assertThat(m.runtimeStatus()).isEqualTo(RuntimeStatus.Completed);
            assertThat(m.output()).isEqualTo(EXPECTED_OUTPUT);
        });
        for (String id : ids) {
            List<HistoryEvent> history = store.getHistory(id);
            assertThat(count(history, ExecutionStarted.class)).as(id).isEqualTo(1);
            List<Integer> scheduled = history.stream().filter(TaskScheduled.class::isInstance)
                    .map(e -> ((TaskScheduled) e).taskId()).toList();
            assertThat(scheduled).as(id).hasSize(3).doesNotHaveDuplicates();
            List<Integer> completed = history.stream().filter(TaskCompleted.class::isInstance)
                    .map(e -> ((TaskCompleted) e).taskId()).toList();
            assertThat(completed).as(id).containsExactlyInAnyOrderElementsOf(scheduled);
            assertThat(count(history, ExecutionCompleted.class)).as(id).isEqualTo(1);
        }
    }

    private static long count(List<HistoryEvent> history, Class<? extends HistoryEvent> type) {
        return history.stream().filter(type::isInstance).count();
    }

    /** Instances with activities handed without task rows (V18) to worker {@code workerId}. */
    private static int handedWithoutRowsTo(String workerId, String taskHub) throws Exception {
        try (Connection c = schema.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM instances WHERE task_hub = ? AND handed_owner = ? AND handed IS NOT NULL")) {
            ps.setString(1, taskHub.toLowerCase(java.util.Locale.ROOT));
            ps.setString(2, workerId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static int leasesHeldBy(String owner, String taskHub) throws Exception {
        try (Connection c = schema.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT (SELECT count(*) FROM instances WHERE task_hub = ? AND lock_owner = ?)"
                        + " + (SELECT count(*) FROM activity_tasks WHERE task_hub = ? AND lock_owner = ?)")) {
            String key = taskHub.toLowerCase(java.util.Locale.ROOT);
            ps.setString(1, key);
            ps.setString(2, owner);
            ps.setString(3, key);
            ps.setString(4, owner);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
