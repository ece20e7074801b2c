package io.taskhub.core.memory;

import java.time.Instant;

/** Helpers for finding the next moment at which waiting workers should look for work again. */
final class Wakeups {
    private Wakeups() {
    }

    /** The earlier of {@code current} and {@code candidate}, counting {@code candidate} only if after {@code since}. */
    static Instant earliestAfter(Instant current, Instant candidate, Instant since) {
        if (candidate == null || !candidate.isAfter(since)) {
            return current;
        }
        return current == null || candidate.isBefore(current) ? candidate : current;
    }
}
