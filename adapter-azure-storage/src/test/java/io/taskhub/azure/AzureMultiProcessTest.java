package io.taskhub.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.data.tables.models.ListEntitiesOptions;
import io.taskhub.azure.testing.AzureTestBackends;
import io.taskhub.azure.testing.AzuriteServer;
import io.taskhub.azure.testing.WorkerProcessMain;
import io.taskhub.core.client.DefaultTaskhubClient;
import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.client.TaskhubClient;
import io.taskhub.ports.history.ExecutionCompleted;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.history.TaskCompleted;
import io.taskhub.ports.history.TaskScheduled;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.query.InstanceQuery;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.OrchestrationStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two worker processes (separate JVMs) share the partitions of one task hub; one is killed with SIGKILL while it
 * provably holds work (partitions, and activities its own steps handed to it, which hang after its first runs)
 * and the other takes its partitions and its activities over once their leases expire, finishing everything,
 * each instance exactly once.
 */
class AzureMultiProcessTest {
    private static final int INSTANCES = 300;
    private static final int PARTITIONS = 4;
    private static final int LEASE_SECONDS = 10;
    private static final String HELLO_OUTPUT = "[\"Hello Tokyo!\",\"Hello Seattle!\",\"Hello London!\"]";

    private final List<Process> workers = new ArrayList<>();
    private AzureStorageBackend backend;
    private OrchestrationStore store;

    @AfterEach
    void stopEverything() {
        workers.forEach(Process::destroyForcibly);
        if (store != null) {
            store.deleteTaskHub();
        }
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void twoWorkerProcesses_shareTheTaskHub_andTheSurvivorFinishesEverythingAfterTheOtherIsKilled() throws Exception {
        String taskHub = "mp" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        backend = AzureTestBackends.create(b -> b.partitionCount(PARTITIONS));
        store = backend.taskHub(taskHub);
        store.createTaskHubIfNotExists();
        // the activities the doomed worker's own steps hand to it hang after its first 40, so it surely holds such
        // work when it is killed
        Process doomed = startWorker(taskHub, "worker-a", "40");
        startWorker(taskHub, "worker-b");
        TableClient leases = leaseTable(taskHub);
        Awaitility.await("both workers own partitions").atMost(Duration.ofMinutes(2))
                .until(() -> owners(leases).values().stream().distinct().count() == 2);

        progress("both workers own partitions");
        TaskhubClient client = new DefaultTaskhubClient(store, null);
        List<String> ids = IntStream.range(0, INSTANCES).mapToObj(i -> String.format("hello-%03d", i)).toList();
        ExecutorService starters = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> started = new ArrayList<>();
            for (String id : ids) {
                started.add(starters.submit(() -> client.startNew(StartInstanceRequest.of("Hello", null)
                        .withInstanceId(id))));
            }
            for (Future<String> future : started) {
                future.get();
            }
        } finally {
            starters.shutdownNow();
        }
        progress(INSTANCES + " instances started");
        Awaitility.await("instances complete while worker-a holds hanging activities and partitions")
                .atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                .until(() -> completed() >= INSTANCES / 6 && hangs("worker-a")
                        && owners(leases).containsValue("worker-a"));

        Map<String, String> ownersAtKill = owners(leases);
        doomed.destroyForcibly(); // SIGKILL: no hand-over, its leases and messages must expire
        doomed.waitFor();
        progress("worker-a killed with " + completed() + " instances completed, owning " + ownersAtKill);
        assertThat(ownersAtKill).as("worker-a owned partitions when it died").containsValue("worker-a");
        assertThat(hangs("worker-a")).as("worker-a held handed-off activities when it died").isTrue();

        Awaitility.await("the survivor finishes everything").atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofSeconds(1)).until(() -> completed() == INSTANCES);
        Awaitility.await("the survivor owns every partition").atMost(Duration.ofMinutes(1))
                .until(() -> owners(leases).size() == PARTITIONS
                        && owners(leases).values().stream().allMatch("worker-b"::equals));
        progress("all completed; worker-b owns every partition");
        for (String id : ids) {
            assertRanOnce(id);
        }
    }

    private static void progress(String what) {
        System.out.println(java.time.LocalTime.now() + " " + what);
    }

    private long completed() {
        return store.countInstances(InstanceQuery.builder().statuses(RuntimeStatus.Completed).build())
                .getOrDefault(RuntimeStatus.Completed, 0L);
    }

    private void assertRanOnce(String id) {
        InstanceMetadata done = store.getInstance(id).orElseThrow();
        assertThat(done.runtimeStatus()).as(id).isEqualTo(RuntimeStatus.Completed);
        assertThat(done.output()).as(id).isEqualTo(HELLO_OUTPUT);
        List<HistoryEvent> history = store.getHistory(id);
        assertThat(history).as(id).filteredOn(ExecutionStarted.class::isInstance).hasSize(1);
        List<Integer> scheduled = history.stream().filter(TaskScheduled.class::isInstance)
                .map(e -> ((TaskScheduled) e).taskId()).toList();
        assertThat(scheduled).as(id).hasSize(3).doesNotHaveDuplicates();
        Set<Integer> completedTasks = history.stream().filter(TaskCompleted.class::isInstance)
                .map(e -> ((TaskCompleted) e).taskId()).collect(Collectors.toCollection(HashSet::new));
        assertThat(history).as(id).filteredOn(TaskCompleted.class::isInstance).hasSize(3);
        assertThat(completedTasks).as(id).containsExactlyInAnyOrderElementsOf(scheduled);
        assertThat(history).as(id).filteredOn(ExecutionCompleted.class::isInstance).hasSize(1);
    }

    /**
     * True once the worker's log says an activity hangs that its own step's commit handed to it (sent held by that
     * worker, never received from the queue): from then on it holds that activity's message.
     */
    private boolean hangs(String workerId) throws IOException {
        Path log = workerLog(workerId);
        return Files.exists(log) && Files.readString(log).contains(" hangs on thread taskhub-handed-off");
    }

    private Path workerLog(String workerId) {
        return Path.of(System.getProperty("basedir", "."), "target",
                "worker-" + store.taskHubName() + "-" + workerId + ".log");
    }

    private Process startWorker(String taskHub, String workerId, String... extraArgs) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = workerLog(workerId);
        Files.createDirectories(log.getParent());
        // C1 only and the serial collector: a short-lived worker on a small shared machine spends less on the JIT
        // and on GC threads.
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                WorkerProcessMain.class.getName(), AzuriteServer.connectionString(), taskHub, workerId,
                String.valueOf(LEASE_SECONDS)));
        command.addAll(List.of(extraArgs));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        workers.add(process);
        return process;
    }

    private static TableClient leaseTable(String taskHub) {
        return new TableServiceClientBuilder().connectionString(AzuriteServer.connectionString()).buildClient()
                .getTableClient(taskHub + "Partitions");
    }

    /** Partition → current owner, for partitions that have one. */
    private static Map<String, String> owners(TableClient leases) {
        Map<String, String> owners = new java.util.TreeMap<>();
        leases.listEntities(new ListEntitiesOptions().setFilter("PartitionKey eq 'partition'"), null, null)
                .forEach(row -> {
                    Object owner = row.getProperty("Owner");
                    if (owner != null) {
                        owners.put(row.getRowKey(), owner.toString());
                    }
                });
        return owners;
    }
}
