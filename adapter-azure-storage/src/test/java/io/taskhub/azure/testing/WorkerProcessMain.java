package io.taskhub.azure.testing;

import io.taskhub.azure.AzureStorageBackend;
import io.taskhub.azure.AzureStorageConfig;
import io.taskhub.core.registry.OrchestrationRegistry;
import io.taskhub.core.worker.TaskhubWorker;
import io.taskhub.core.worker.WorkerOptions;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.tck.TestOrchestrations;
import java.time.Duration;

/**
 * A worker process for multi-process tests: runs a {@link TaskhubWorker} with the engine suite's orchestrations
 * on one task hub until it is killed (or its standard input closes, so it never outlives the test JVM).
 *
 * <p>Arguments: connection string, task hub, worker id, partition lease seconds [, hangAfterActivities]. With
 * {@code hangAfterActivities}, every activity after that many that its own steps handed to it blocks for ever (see
 * {@link TestOrchestrations#hangingAfter}; claimed ones keep running), so a test that kills the worker afterwards
 * knows it held such work.
 */
public final class WorkerProcessMain {
    private WorkerProcessMain() {
    }

    public static void main(String[] args) throws Exception {
        String connectionString = args[0];
        String taskHub = args[1];
        String workerId = args[2];
        int leaseSeconds = Integer.parseInt(args[3]);
        AzureStorageConfig config = AzureStorageConfig.builder().connectionString(connectionString)
                .workerId(workerId).partitionLeaseDuration(Duration.ofSeconds(leaseSeconds))
                .partitionRenewInterval(Duration.ofSeconds(Math.max(1, leaseSeconds / 4)))
                .maxPollingInterval(Duration.ofMillis(250)).build();
        AzureStorageBackend backend = new AzureStorageBackend(config);
        OrchestrationStore store = backend.taskHub(taskHub);
        WorkerOptions options = WorkerOptions.defaults().withConcurrency(4, 8).withLeaseDuration(Duration.ofSeconds(10))
                .withWorkerId(workerId);
        OrchestrationRegistry registry = args.length > 4
                ? TestOrchestrations.registry(TestOrchestrations.hangingAfter(Integer.parseInt(args[4]),
                        "taskhub-handed-off"))
                : TestOrchestrations.registry();
        TaskhubWorker worker = new TaskhubWorker(store, registry, options).start();
        System.out.println("READY " + workerId);
        System.out.flush();
        // The test JVM holds our stdin open; when it goes away (even killed), read returns -1 and we stop.
        while (System.in.read() >= 0) {
            // ignore input
        }
        worker.stop(Duration.ofSeconds(5));
        backend.close();
    }
}
