package io.taskhub.tck;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * For tests of wake-ups: the waiting thread calls {@link #aboutToWait()} right before it waits, and the test
 * calls {@link #untilWaiting()} before it makes the change. Lets a test act only once the waiting thread is inside its wait, so that a wake-up is really needed
 * (otherwise a waiter that starts late would find the change already made and pass without one).
 */
public final class Blocking {
    private final AtomicReference<Thread> waiter = new AtomicReference<>();

    public void aboutToWait() {
        waiter.set(Thread.currentThread());
    }

    /**
     * Waits until the thread announced its wait and, where the JVM can tell (a backend waiting on a
     * lock or a monitor rather than on network I/O), until it is parked in it.
     */
    public void untilWaiting() {
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                .until(() -> waiter.get() != null);
        Thread thread = waiter.get();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
                    .until(() -> thread.getState() == Thread.State.WAITING
                            || thread.getState() == Thread.State.TIMED_WAITING);
        } catch (ConditionTimeoutException blockedInIo) {
            // The backend waits on I/O, which the JVM reports as RUNNABLE; the announcement must do.
        }
    }
}
