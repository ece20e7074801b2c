package io.taskhub.ports.orchestration;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * How a failed activity or sub-orchestration is retried: up to {@code maxAttempts} attempts in all, waiting
 * {@code firstRetryInterval} multiplied by {@code backoffCoefficient} after each failure, capped at
 * {@code maxRetryInterval}. Failures whose error type (exception class name) is in
 * {@code nonRetryableErrorTypes} are not retried. Waits are durable timers.
 */
public record RetryPolicy(int maxAttempts, Duration firstRetryInterval, double backoffCoefficient,
        Duration maxRetryInterval, Set<String> nonRetryableErrorTypes) {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        Objects.requireNonNull(firstRetryInterval, "firstRetryInterval");
        if (firstRetryInterval.isNegative()) {
            throw new IllegalArgumentException("firstRetryInterval must not be negative");
        }
        if (backoffCoefficient < 1.0) {
            throw new IllegalArgumentException("backoffCoefficient must be at least 1.0, was " + backoffCoefficient);
        }
        maxRetryInterval = maxRetryInterval == null ? Duration.ofHours(1) : maxRetryInterval;
        nonRetryableErrorTypes = nonRetryableErrorTypes == null ? Set.of() : Set.copyOf(nonRetryableErrorTypes);
    }

    public static RetryPolicy of(int maxAttempts, Duration firstRetryInterval) {
        return new RetryPolicy(maxAttempts, firstRetryInterval, 1.0, null, Set.of());
    }

    public RetryPolicy withBackoff(double coefficient, Duration maxInterval) {
        return new RetryPolicy(maxAttempts, firstRetryInterval, coefficient, maxInterval, nonRetryableErrorTypes);
    }

    public RetryPolicy withNonRetryable(Class<?>... errorTypes) {
        Set<String> names = new java.util.HashSet<>(nonRetryableErrorTypes);
        for (Class<?> type : errorTypes) {
            names.add(type.getName());
        }
        return new RetryPolicy(maxAttempts, firstRetryInterval, backoffCoefficient, maxRetryInterval, names);
    }

    /** The wait before attempt {@code nextAttempt} (2 for the first retry). */
    public Duration delayBefore(int nextAttempt) {
        double factor = Math.pow(backoffCoefficient, Math.max(0, nextAttempt - 2));
        long millis = (long) Math.min(firstRetryInterval.toMillis() * factor, (double) maxRetryInterval.toMillis());
        return Duration.ofMillis(millis);
    }
}
