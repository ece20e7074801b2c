package io.taskhub.azure.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * How often one process looks at a queue while it finds nothing: after each empty receive the next waits
 * twice as long (from the minimum up to the maximum polling interval), however many threads ask. Every idle thread
 * polling on its own would load the storage account with requests that compete with the real work. A message
 * this process sent meanwhile allows the next look at once.
 */
final class ReceiveBackoff {
    private final long firstMillis;
    private final Duration max;
    private final LongSupplier localSends;
    private Instant nextAllowed = Instant.MIN;
    private int emptyRounds;
    private long sendsSeen = -1;

    ReceiveBackoff(Duration min, Duration max, LongSupplier localSends) {
        this.firstMillis = Math.max(1, min.toMillis());
        this.max = max;
        this.localSends = localSends;
    }

    /** The count of local sends to pass to {@link #received} (read before receiving). */
    long sends() {
        return localSends.getAsLong();
    }

    synchronized boolean mayReceive() {
        return localSends.getAsLong() != sendsSeen || !Instant.now().isBefore(nextAllowed);
    }

    synchronized void received(int count, long sendsBefore) {
        sendsSeen = sendsBefore;
        if (count > 0) {
            emptyRounds = 0;
            nextAllowed = Instant.MIN;
        } else {
            long wait = Math.min(max.toMillis(), firstMillis << Math.min(emptyRounds, 20));
            emptyRounds++;
            nextAllowed = Instant.now().plusMillis(wait);
        }
    }
}
