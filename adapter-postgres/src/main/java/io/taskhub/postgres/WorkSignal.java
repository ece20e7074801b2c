package io.taskhub.postgres;

import java.time.Instant;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wakes threads waiting for one kind of work of one task hub. A notification wakes one waiter, not all: one
 * new message is usually one work item, and a herd of claims for it would only load the database. A waiter that
 * then finds work and sees more passes the wake-up on ({@link #pass}), so a burst of work still reaches every idle
 * thread.
 *
 * <p>The epoch counts notifications, so a thread can tell whether any arrived since it last looked for work
 * (between its claim and its wait), which would otherwise be a lost wake-up. The due epoch counts only those of
 * work visible later (and lost notifications): only they can move the time the next work is due, which waiting
 * threads keep cached ({@link WorkWaits}).
 */
final class WorkSignal {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private long epoch;
    private long dueEpoch;
    private int waiters;
    private int permits;
    /** The latest visibility time whose arrival some waiter has already acted on. */
    private Instant dueTaken = Instant.MIN;

    long epoch() {
        lock.lock();
        try {
            return epoch;
        } finally {
            lock.unlock();
        }
    }

    long dueEpoch() {
        lock.lock();
        try {
            return dueEpoch;
        } finally {
            lock.unlock();
        }
    }

    /** New work, visible now or {@code later}: wake one waiter. */
    void notifyWork(boolean later) {
        lock.lock();
        try {
            epoch++;
            if (later) {
                dueEpoch++;
            }
            release();
        } finally {
            lock.unlock();
        }
    }

    /** Notifications may have been lost: wake every waiter so that each looks for itself. */
    void notifyEveryone() {
        lock.lock();
        try {
            epoch++;
            dueEpoch++;
            permits = waiters;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A woken thread found work; there may be more, so wake one more waiter. */
    void pass() {
        lock.lock();
        try {
            release();
        } finally {
            lock.unlock();
        }
    }

    private void release() {
        if (waiters > permits) {
            permits++;
            wake.signal();
        }
    }

    /**
     * Waits until woken or {@code nanos} pass; returns at once when a notification came after {@code seenEpoch}.
     *
     * @return true when woken (work may be ready), false on timeout
     */
    boolean await(long seenEpoch, long nanos) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            if (epoch != seenEpoch) {
                return true;
            }
            waiters++;
            try {
                long remaining = nanos;
                while (permits == 0) {
                    if (remaining <= 0) {
                        return false;
                    }
                    remaining = wake.awaitNanos(remaining);
                }
                permits--;
                return true;
            } finally {
                waiters--;
                permits = Math.min(permits, waiters);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Lets exactly one of the threads that waited for {@code due} (a delayed message becoming visible) act on
     * it; the others keep waiting. Returns whether the caller is that thread.
     */
    boolean takeDue(Instant due) {
        lock.lock();
        try {
            if (due.isAfter(dueTaken)) {
                dueTaken = due;
                return true;
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Nanoseconds from {@code from} to {@code to}; 0 when {@code to} is not later; capped for far futures. */
    static long nanosUntil(Instant from, Instant to) {
        if (!to.isAfter(from)) {
            return 0;
        }
        try {
            return java.time.Duration.between(from, to).toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 4;
        }
    }
}
