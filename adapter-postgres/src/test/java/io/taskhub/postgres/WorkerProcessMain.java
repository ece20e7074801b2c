package io.taskhub.postgres;

import io.taskhub.core.registry.OrchestrationRegistry;
import io.taskhub.core.worker.TaskhubWorker;
import io.taskhub.core.worker.WorkerOptions;
import io.taskhub.tck.TestOrchestrations;
import java.time.Duration;

/**
 * A worker process for the multi-process tests: runs a {@link TaskhubWorker} with the test orchestrations on
 * one task hub of one schema until its standard input closes (then stops gracefully) or it is killed.
 *
 * <p>Arguments: jdbcUrl user password(or "-") schema taskHub leaseMillis workerId [hangAfterActivities]
 *
 * <p>With {@code hangAfterActivities}, every activity after that many runs that its own steps handed to it blocks
 * forever (claimed ones keep running, so that it surely ends up holding handed-off work): the worker keeps
 * renewing their leases, so a test that kills it afterwards knows it died holding work.
 */
public final class WorkerProcessMain {
    private WorkerProcessMain() {
    }

    public static void main(String[] args) throws Exception {
        String password = "-".equals(args[2]) ? null : args[2];
        PostgresConfig config = new PostgresConfig(args[0], args[1], password, args[3], 6, null);
        WorkerOptions options = WorkerOptions.defaults().withConcurrency(4, 8)
                .withLeaseDuration(Duration.ofMillis(Long.parseLong(args[5]))).withWorkerId(args[6]);
        try (PostgresStorageBackend backend = PostgresStorageBackend.start(config)) {
            OrchestrationRegistry registry = args.length > 7
                    ? TestOrchestrations.registry(TestOrchestrations.hangingAfter(Integer.parseInt(args[7]),
                            "taskhub-handed-off"))
                    : TestOrchestrations.registry();
            TaskhubWorker worker = new TaskhubWorker(backend.taskHub(args[4]), registry, options).start();
            System.out.println("worker " + args[6] + " started");
            while (System.in.read() != -1) {
                // runs until the parent closes our input
            }
            worker.stop(Duration.ofSeconds(5));
            System.out.println("worker " + args[6] + " stopped");
        }
    }
}
