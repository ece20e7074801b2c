package io.taskhub.azure.internal;

import java.time.Duration;

/**
 * How long work a worker does not run stays invisible after it hands it back: short at first, so that another
 * worker (one that runs the name) gets it quickly, then longer, so that work no live worker runs does not keep
 * the queues busy while it waits.
 */
final class NameMismatch {
    private static final Duration FIRST = Duration.ofMillis(100);
    private static final Duration LONGEST = Duration.ofSeconds(5);

    private NameMismatch() {
    }

    /** The delay after the {@code handedBack}-th benign delivery of the message. */
    static Duration delay(int handedBack) {
        Duration delay = FIRST.multipliedBy(1L << Math.min(Math.max(handedBack, 0), 10));
        return delay.compareTo(LONGEST) > 0 ? LONGEST : delay;
    }
}
