package io.taskhub.postgres;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backend's upkeep of its schema, on one daemon thread every few seconds: fresh planner statistics
 * ({@link StatisticsKeeper}), folded running counts ({@link StatusCountFolder}), where autovacuum does not run,
 * vacuumed tables ({@link DeadRowSweeper}), and the activities handed to stopped processes given back
 * ({@link HandOffRecovery}). Each chore handles its own
 * failures; a failed round is tried again at the next.
 */
final class Housekeeping implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);
    private static final long PERIOD_MILLIS = 2_000;

    private final List<Runnable> chores;
    private final ScheduledExecutorService timer;

    Housekeeping(String schema, List<Runnable> chores) {
        this.chores = List.copyOf(chores);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "taskhub-postgres-housekeeping-" + schema);
            thread.setDaemon(true);
            return thread;
        });
    }

    void start() {
        timer.scheduleWithFixedDelay(this::round, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void round() {
        for (Runnable chore : chores) {
            try {
                chore.run();
            } catch (RuntimeException e) {
                // A failure that escaped a chore must not end the schedule (an executor drops a task that throws).
                LOG.debug("A housekeeping chore failed; it runs again in the next round", e);
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
