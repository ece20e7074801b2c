package io.taskhub.samples;

import io.taskhub.ports.orchestration.OrchestrationContext;
import io.taskhub.ports.orchestration.TaskRegistry;
import java.time.Duration;
import java.util.Map;

/**
 * Eternal orchestration: with input {@code {"intervalSeconds": S, "round": k}} ({@code round} defaults to 0),
 * sets custom status {@code {"round": k}}, sleeps S seconds on a durable timer, then continues as new with
 * round k+1. It never completes on its own; terminate it to stop it.
 */
public final class Monitor {
    public static final String NAME = "Monitor";

    /** The orchestrator's input; a missing {@code round} means the first round, 0. */
    public record Input(long intervalSeconds, Integer round) {
        public int roundOrZero() {
            return round == null ? 0 : round;
        }
    }

    private Monitor() {
    }

    static void register(TaskRegistry registry) {
        registry.addOrchestrator(NAME, Monitor::run);
    }

    static Object run(OrchestrationContext ctx) {
        Input input = ctx.getInput(Input.class);
        if (input == null || input.intervalSeconds() <= 0) {
            // An interval of 0 would make an eternal orchestration spin as fast as the engine can go.
            throw new IllegalArgumentException(
                    NAME + " needs input {\"intervalSeconds\": S, \"round\": k} with S > 0, got: " + ctx.rawInput());
        }
        int round = input.roundOrZero();
        ctx.setCustomStatus(Map.of("round", round));
        ctx.createTimer(Duration.ofSeconds(input.intervalSeconds())).await();
        ctx.continueAsNew(new Input(input.intervalSeconds(), round + 1));
        return null;
    }
}
