package io.taskhub.azure.internal;

import java.time.Duration;

/**
 * Idle waits. Azure queues cannot notify, so workers poll with a bounded exponential back-off: the minimum
 * polling interval (20 ms by default) after finding nothing, doubling up to the maximum; any claim that finds
 * work resets it. Work this process produces itself (a client starting an instance, a worker completing a step
 * or an activity) wakes waiting threads at once, and a delayed message it sent wakes them when the queue
 * service makes it visible.
 */
final class Waiter {
    private final Object monitor = new Object();
    private final long firstBackoffMillis;
    private final Duration maxPolling;
    private final ThreadLocal<int[]> idleRounds = ThreadLocal.withInitial(() -> new int[1]);
    private long signals;

    public Waiter(Duration minPolling, Duration maxPolling) {
        this.firstBackoffMillis = Math.max(1, minPolling.toMillis());
        this.maxPolling = maxPolling;
    }

    /** Something changed (messages sent, a checkpoint committed): wake the waiting threads. */
    public void signal() {
        synchronized (monitor) {
            signals++;
            monitor.notifyAll();
        }
    }

    /** The calling thread's claim found work ({@code true}) or nothing. */
    public void claimed(boolean found) {
        int[] rounds = idleRounds.get();
        rounds[0] = found ? 0 : Math.min(rounds[0] + 1, 30);
    }

    /** Waits for a signal, at most the current back-off and at most {@code maxWait}. */
    public void awaitWork(Duration maxWait) throws InterruptedException {
        long backoff = Math.min(maxPolling.toMillis(), firstBackoffMillis << Math.min(idleRounds.get()[0], 20));
        waitForSignal(Math.min(backoff, maxWait.toMillis()));
    }

    /** The wait before the {@code round}-th look at something that changes remotely. */
    public long pollDelay(int round) {
        return Math.min(maxPolling.toMillis(), firstBackoffMillis << Math.min(round, 20));
    }

    /** Waits up to {@code millis} or until a signal. */
    public void waitForSignal(long millis) throws InterruptedException {
        if (millis <= 0) {
            return;
        }
        synchronized (monitor) {
            long seen = signals;
            long deadline = System.nanoTime() + millis * 1_000_000;
            while (signals == seen) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return;
                }
                monitor.wait(left);
            }
        }
    }
}
