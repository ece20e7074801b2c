package io.taskhub.sqlite;

/**
 * Tells this process's waiting workers of new work of one task hub, by kind: a write that makes orchestration work
 * claimable wakes the threads waiting for orchestration work, one that stores tasks for claiming wakes those
 * waiting for activities, and writes that make nothing claimable (work handed over with a commit, lease renewals,
 * claims) wake nobody. Waking every idle thread at every commit made each of them try a claim, which on SQLite is
 * a write queued behind the real work.
 *
 * <p>A waiter marks the news it has seen before it claims, so news that arrives between its claim and its wait
 * is not missed. Another process's writes to the same file are not news here; waiters see them when their wait
 * ends (the next due time, or the worker's longest idle wait).
 */
final class WorkNews {
    enum Kind { ORCHESTRATIONS, ACTIVITIES }

    /** The news a waiter has seen; a null kind waits for either. */
    record Mark(Kind kind, long orchestrations, long activities) {
    }

    private long orchestrations;
    private long activities;

    synchronized Mark mark(Kind kind) {
        return new Mark(kind, orchestrations, activities);
    }

    synchronized void announce(boolean orchestrationWork, boolean activityWork) {
        if (orchestrationWork) {
            orchestrations++;
        }
        if (activityWork) {
            activities++;
        }
        if (orchestrationWork || activityWork) {
            notifyAll();
        }
    }

    /** Waits until news of the mark's kind arrives after the mark, or {@code millis} pass. */
    synchronized void await(Mark seen, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!newsSince(seen)) {
            long remaining = (deadline - System.nanoTime()) / 1_000_000L;
            if (remaining <= 0) {
                return;
            }
            wait(remaining);
        }
    }

    private boolean newsSince(Mark seen) {
        return seen.kind() != Kind.ACTIVITIES && orchestrations != seen.orchestrations()
                || seen.kind() != Kind.ORCHESTRATIONS && activities != seen.activities();
    }
}
