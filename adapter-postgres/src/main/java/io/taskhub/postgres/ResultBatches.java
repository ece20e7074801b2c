package io.taskhub.postgres;

import io.taskhub.ports.store.ActivityClaim;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * Activity results committed together: each thread that completes an activity (with the claim of its next task)
 * queues its completion; while fewer than {@link #MAX_COMMITTING} batches are being committed, a thread whose
 * completion is still queued commits everything queued by then, of the same claim, in one statement
 * ({@link ActivityWork#completeAndClaimAll}), and the threads whose completions went with it wait for that batch.
 * A lone completion is committed at once; under load, those that arrive while batches commit go together in the
 * next, as SQLite's writer groups its commits.
 *
 * <p>Why: in a fan-in every result was a transaction of its own, one statement each (10,000 of 0.3 to 0.5 ms
 * for a fan-in of 10,000), and the work around each statement (its transaction, its plan's start, its round trip)
 * cost as much again.
 */
final class ResultBatches {
    /** Bounds a statement; more waiting simply makes the next batch. */
    static final int MAX_BATCH = 64;
    /** Batches committed at once at most: their commits' flushes to disk overlap, as separate commits' do. */
    static final int MAX_COMMITTING = 2;

    /** A completion waiting for its batch, and once committed, its outcome. */
    static final class Pending {
        final ActivityWork.Completion completion;
        final ActivityClaim claim;
        /** The thread that waits for it, woken alone when it is done or may commit the next batch. */
        private final Thread waiter = Thread.currentThread();
        // Written by the thread that commits the batch before the volatile flag, read after it by the waiting one.
        private ActivityWork.Completed outcome;
        private RuntimeException failure;
        private volatile boolean finished;

        Pending(ActivityWork.Completion completion, ActivityClaim claim) {
            this.completion = Objects.requireNonNull(completion, "completion");
            this.claim = Objects.requireNonNull(claim, "claim");
        }

        void finish(ActivityWork.Completed value) {
            outcome = value;
            finished = true;
        }

        void fail(RuntimeException e) {
            failure = e;
            finished = true;
        }
    }

    /** Commits one batch (all of one claim); must finish or fail every pending completion it is given. */
    @FunctionalInterface
    interface Committer {
        void commit(List<Pending> batch, ActivityClaim claim);
    }

    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private int committing;

    /**
     * Queues {@code pending}, then commits batches with {@code committer} while fewer than {@link #MAX_COMMITTING}
     * are being committed, until it is done (in its own batch or another's); returns its outcome or throws its
     * failure. Waiting threads are woken one by one (a batch's own, and the thread of the oldest completion still
     * queued), not all at every batch's end.
     */
    ActivityWork.Completed complete(Pending pending, Committer committer) {
        synchronized (this) {
            queue.add(pending);
        }
        boolean interrupted = false;
        while (true) {
            List<Pending> batch = new ArrayList<>();
            ActivityClaim claim = null;
            synchronized (this) {
                if (pending.finished) {
                    break;
                }
                if (committing < MAX_COMMITTING && !queue.isEmpty()) {
                    committing++;
                    claim = take(batch);
                }
            }
            if (claim == null) {
                // In a batch being committed, or waiting for a turn: woken when either ends (or spuriously).
                LockSupport.park(this);
                // An interrupt would make every park return at once: kept for the caller, the wait goes on.
                interrupted |= Thread.interrupted();
                continue;
            }
            try {
                committer.commit(batch, claim);
            } catch (RuntimeException | Error e) {
                for (Pending p : batch) {
                    if (!p.finished) {
                        p.fail(e instanceof RuntimeException r ? r : new IllegalStateException(e));
                    }
                }
                if (e instanceof Error) {
                    committed(batch);
                    throw e;
                }
            }
            committed(batch);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (pending.failure != null) {
            throw pending.failure;
        }
        return pending.outcome;
    }

    /** A batch is committed: its threads learn their outcomes, and the oldest queued completion's may commit next. */
    private void committed(List<Pending> batch) {
        Thread next;
        synchronized (this) {
            committing--;
            Pending oldest = queue.peek();
            next = oldest == null ? null : oldest.waiter;
        }
        for (Pending p : batch) {
            if (p.waiter != Thread.currentThread()) {
                LockSupport.unpark(p.waiter);
            }
        }
        if (next != null) {
            LockSupport.unpark(next);
        }
    }

    /** Moves the oldest queued completion into {@code batch}, with those queued after it of the same claim. */
    private ActivityClaim take(List<Pending> batch) {
        Pending first = queue.poll();
        batch.add(first);
        for (Iterator<Pending> it = queue.iterator(); it.hasNext() && batch.size() < MAX_BATCH;) {
            Pending p = it.next();
            if (sameClaim(p.claim, first.claim)) {
                it.remove();
                batch.add(p);
            }
        }
        return first.claim;
    }

    private static boolean sameClaim(ActivityClaim a, ActivityClaim b) {
        if (!a.owner().equals(b.owner()) || !a.leaseDuration().equals(b.leaseDuration())) {
            return false;
        }
        return a.names().isAny() ? b.names().isAny()
                : !b.names().isAny() && a.names().lowerCaseNames().equals(b.names().lowerCaseNames());
    }
}
