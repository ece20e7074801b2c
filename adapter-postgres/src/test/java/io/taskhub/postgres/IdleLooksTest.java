package io.taskhub.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.ports.store.ActivityWorkItem;
import io.taskhub.ports.store.NameFilter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Idle worker threads look for work once per poll interval together, not each: a thread whose wait ran out leaves
 * its look to another that looked meanwhile with the same filter. Work that came without a notification is still
 * found within about an interval.
 */
class IdleLooksTest {
    private static final Duration POLL = Duration.ofMillis(200);

    @Test
    void idleThreads_lookAboutOncePerInterval_together() throws Exception {
        onStore("IdleLooks", (schema, store) -> {
            try (Claimers claimers = new Claimers(store, 6, NameFilter.ANY)) {
                Thread.sleep(600); // every thread has waited out an interval by now
                long before = store.waits().looksTaken();
                long window = 2_000;
                Thread.sleep(window);
                long looks = store.waits().looksTaken() - before;

                // Each of the 6 threads looking at every interval would be 60 looks.
                assertThat(looks).as("looks in %d ms with a %d ms interval", window, POLL.toMillis())
                        .isBetween(1L, 2 * window / POLL.toMillis());
                assertThat(store.waits().looksLeftToOthers()).isPositive();
            }
        });
    }

    @Test
    void workStoredWithoutANotification_isFoundByAnIdleThread_withinAboutAnInterval() throws Exception {
        onStore("Unannounced", (schema, store) -> {
            try (Claimers claimers = new Claimers(store, 6, NameFilter.ANY)) {
                Thread.sleep(600);
                try (Connection c = schema.connect(); PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO activity_tasks (task_hub, instance_id, execution_id, task_id, name,"
                                + " visible_at) VALUES ('unannounced', 'i', 'e', 1, 'Act', now())")) {
                    ps.executeUpdate(); // straight into the table: no notification
                }
                long stored = System.nanoTime();

                ActivityWorkItem found = claimers.awaitFound(Duration.ofSeconds(10));
                long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stored);
                assertThat(found).isNotNull();
                assertThat(found.task().name()).isEqualTo("Act");
                assertThat(tookMillis).as("found after (ms)").isLessThan(5 * POLL.toMillis() + 1_000);
            }
        });
    }

    @Test
    void threadsClaimingWithOtherFilters_eachLookForThemselves() throws Exception {
        onStore("Filtered", (schema, store) -> {
            try (Claimers any = new Claimers(store, 1, NameFilter.ANY);
                    Claimers some = new Claimers(store, 1, NameFilter.only(List.of("Act")))) {
                Thread.sleep(1_500);
                assertThat(store.waits().looksLeftToOthers()).as("a look for other names covers nothing").isZero();
                assertThat(store.waits().looksTaken()).as("both kept looking").isGreaterThanOrEqualTo(4);
            }
        });
    }

    @FunctionalInterface
    private interface StoreTest {
        void run(PostgresSchema schema, PostgresStore store) throws Exception;
    }

    /** Runs {@code test} on hub {@code hub} of a schema of its own, polled every {@link #POLL}. */
    private static void onStore(String hub, StoreTest test) throws Exception {
        try (PostgresSchema schema = PostgresSchema.reserve();
                PostgresStorageBackend backend = PostgresStorageBackend.start(
                        schema.config().withMaxPollInterval(POLL))) {
            PostgresStore store = (PostgresStore) backend.taskHub(hub);
            store.createTaskHubIfNotExists();
            test.run(schema, store);
        }
    }

    /** Threads that claim activities as a worker's do: a claim, and after an empty one a wait of up to 1 s. */
    private static final class Claimers implements AutoCloseable {
        final ConcurrentLinkedQueue<ActivityWorkItem> found = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Thread> threads = new ArrayList<>();

        Claimers(PostgresStore store, int count, NameFilter names) {
            for (int i = 0; i < count; i++) {
                Thread thread = new Thread(() -> {
                    while (running.get()) {
                        try {
                            Optional<ActivityWorkItem> item = store.claimActivityWorkItem("idle-looks",
                                    Duration.ofMinutes(1), names);
                            if (item.isPresent()) {
                                found.add(item.get());
                            } else {
                                store.awaitWork(Duration.ofSeconds(1));
                            }
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "claimer-" + i);
                thread.setDaemon(true);
                thread.start();
                threads.add(thread);
            }
        }

        ActivityWorkItem awaitFound(Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (System.nanoTime() < deadline) {
                ActivityWorkItem item = found.poll();
                if (item != null) {
                    return item;
                }
                Thread.sleep(10);
            }
            return null;
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            for (Thread thread : threads) {
                thread.interrupt();
                thread.join(5_000);
            }
        }
    }
}
