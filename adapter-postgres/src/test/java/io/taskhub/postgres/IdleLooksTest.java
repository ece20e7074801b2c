package io.taskhub.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.ports.store.ActivityWorkItem;
import io.taskhub.ports.store.NameFilter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
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
    private static final Duration POLL = Duration.ofMillis(300);

    @Test
    void idleThreads_lookAboutOncePerInterval_together() throws Exception {
        onStore("IdleLooks", (schema, store) -> {
            try (Claimers claimers = new Claimers(store, 6, NameFilter.ANY)) {
                Thread.sleep(600); // every thread has waited out an interval by now
                long before = store.waits().looksTaken();
                long window = 3_000;
                Thread.sleep(window);
                long looks = store.waits().looksTaken() - before;

                // About 10; each of the 6 threads looking at every interval would be 60.
                assertThat(looks).as("looks in %d ms with a %d ms interval", window, POLL.toMillis())
                        .isBetween(1L, 25L);
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

    /**
     * Whether a thread whose wait ran out looks, after another thread's look: not when that look found nothing
     * and nothing came since; yes when a notification came since (the look did not see what it announced), and
     * when the look found work (what it woke may have been nobody).
     */
    @Test
    void aLookIsLeftToAnothersOnlyIfItFoundNothing_andNothingCameSince() throws Exception {
        HubSignals signals = new HubSignals();
        WorkWaits waits = idleWaits(signals);
        assertThat(waits.beforeClaim(KIND, NameFilter.ANY)).isTrue();
        waits.afterClaim(KIND, false, true);
        assertThat(waitsOutThenClaims(waits, () -> { })).as("nothing came since the empty look").isFalse();
        assertThat(waitsOutThenClaims(waits, () -> signals.activities.notifyWork(false)))
                .as("a notification came since").isTrue();

        WorkWaits found = idleWaits(new HubSignals());
        assertThat(found.beforeClaim(KIND, NameFilter.ANY)).isTrue();
        found.afterClaim(KIND, true, true);
        assertThat(waitsOutThenClaims(found, () -> { })).as("the latest look found work").isTrue();
    }

    private static final WorkWaits.Kind KIND = WorkWaits.Kind.ACTIVITIES;

    private static WorkWaits idleWaits(HubSignals signals) {
        return new WorkWaits(signals, () -> true, Duration.ofMinutes(1), Instant::now, (kind, since) -> null);
    }

    /** On another thread: a wait that runs out, {@code meanwhile}, then a claim; whether that claim looks. */
    private static boolean waitsOutThenClaims(WorkWaits waits, Runnable meanwhile) throws InterruptedException {
        AtomicBoolean looks = new AtomicBoolean();
        Thread other = new Thread(() -> {
            try {
                waits.await(Duration.ofMillis(1));
            } catch (InterruptedException e) {
                return;
            }
            meanwhile.run();
            looks.set(waits.beforeClaim(KIND, NameFilter.ANY));
        });
        other.start();
        other.join(10_000);
        return looks.get();
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
