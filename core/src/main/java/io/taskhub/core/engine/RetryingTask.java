package io.taskhub.core.engine;

import io.taskhub.ports.orchestration.RetryPolicy;
import io.taskhub.ports.orchestration.TaskFailedException;
import java.util.function.Supplier;

/**
 * A task retried by policy: each failed attempt that may be retried waits on a durable timer, then schedules
 * the next attempt. Everything happens in event-processing order, so replay repeats it exactly.
 */
final class RetryingTask<T> extends TaskImpl<T> {
    private final OrchestrationContextImpl context;
    private final RetryPolicy policy;
    private final Supplier<TaskImpl<T>> attempt;
    private int attemptNumber;

    RetryingTask(OrchestrationContextImpl context, Class<T> resultType, RetryPolicy policy,
            Supplier<TaskImpl<T>> attempt) {
        super(context, resultType);
        this.context = context;
        this.policy = policy;
        this.attempt = attempt;
    }

    RetryingTask<T> start() {
        attemptNumber++;
        attempt.get().onDone(this::attemptDone);
        return this;
    }

    private void attemptDone(TaskImpl<T> done) {
        if (done.error() == null) {
            complete(done.value());
        } else if (attemptNumber < policy.maxAttempts() && isRetryable(done.error())) {
            context.createTimer(context.currentTime().plus(policy.delayBefore(attemptNumber + 1)))
                    .onDone(timer -> start());
        } else {
            fail(done.error());
        }
    }

    private boolean isRetryable(RuntimeException error) {
        if (error instanceof TaskFailedException failed) {
            return policy.nonRetryableErrorTypes().stream().noneMatch(type -> failed.failure().isCausedBy(type));
        }
        return false;
    }
}
