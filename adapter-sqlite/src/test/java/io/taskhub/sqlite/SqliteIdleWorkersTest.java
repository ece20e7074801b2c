package io.taskhub.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.ports.store.OrchestrationStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Idle workers wait. A claim that finds nothing is a write transaction too; it must not count as a change that
 * wakes the workers waiting for work, or idle workers wake each other without end and keep the CPU busy.
 */
class SqliteIdleWorkersTest {
    private static final Duration LEASE = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    @Test
    void awaitWork_afterAClaimThatFoundNothing_waitsTheFullTime() throws Exception {
        try (SqliteStorageBackend backend = new SqliteStorageBackend(SqliteConfig.at(directory.resolve("idle.db")))) {
            OrchestrationStore store = backend.taskHub("Idle");
            store.createTaskHubIfNotExists();
            assertThat(store.claimOrchestrationWorkItem("worker", LEASE, 10)).isEmpty();

            long started = System.nanoTime();
            store.awaitWork(Duration.ofMillis(500));

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(450));
        }
    }

    @Test
    void idleWorkers_doNotWakeEachOther() throws Exception {
        try (SqliteStorageBackend backend = new SqliteStorageBackend(SqliteConfig.at(directory.resolve("idle.db")))) {
            OrchestrationStore store = backend.taskHub("Idle");
            store.createTaskHubIfNotExists();
            AtomicInteger claims = new AtomicInteger();
            long until = System.nanoTime() + Duration.ofMillis(1500).toNanos();
            List<Thread> workers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String owner = "worker-" + i;
                Thread worker = new Thread(() -> {
                    while (System.nanoTime() < until) {
                        claims.incrementAndGet();
                        if (store.claimActivityWorkItem(owner, LEASE).isEmpty()) {
                            try {
                                store.awaitWork(Duration.ofSeconds(1));
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    }
                });
                worker.start();
                workers.add(worker);
            }
            for (Thread worker : workers) {
                worker.join();
            }

            // Each worker claims about twice in 1.5 s with one-second waits; spinning workers claim thousands of times.
            assertThat(claims.get()).isLessThanOrEqualTo(4 * 4);
        }
    }
}
