package io.taskhub.samples;

import io.taskhub.ports.orchestration.DurableTask;
import io.taskhub.ports.orchestration.OrchestrationContext;
import io.taskhub.ports.orchestration.TaskRegistry;
import java.time.Duration;
import java.util.List;

/**
 * Human interaction: with input {@code {"timeoutSeconds": S}}, sets custom status {@code "Waiting"} and races
 * external event {@value #EVENT} against a durable timer of S seconds. Returns the event's payload as sent
 * (any JSON value), or {@code "TimedOut"} when the timer fires first.
 *
 * <p>The custom status is left at {@code "Waiting"} when the instance completes, as Durable Functions keeps the
 * last custom status; the output says how the wait ended.
 */
public final class Approval {
    public static final String NAME = "Approval";
    public static final String EVENT = "ApprovalEvent";
    public static final String WAITING = "Waiting";
    public static final String TIMED_OUT = "TimedOut";

    /** The orchestrator's input. */
    public record Input(long timeoutSeconds) {
    }

    private Approval() {
    }

    static void register(TaskRegistry registry) {
        registry.addOrchestrator(NAME, Approval::run);
    }

    static Object run(OrchestrationContext ctx) {
        Input input = ctx.getInput(Input.class);
        if (input == null || input.timeoutSeconds() < 0) {
            throw new IllegalArgumentException(
                    NAME + " needs input {\"timeoutSeconds\": S} with S >= 0, got: " + ctx.rawInput());
        }
        ctx.setCustomStatus(WAITING);
        DurableTask<Object> approval = ctx.waitForExternalEvent(EVENT, Object.class);
        DurableTask<Void> timeout = ctx.createTimer(Duration.ofSeconds(input.timeoutSeconds()));
        DurableTask<?> winner = ctx.anyOf(List.of(approval, timeout)).await();
        return winner == approval ? approval.await() : TIMED_OUT;
    }
}
