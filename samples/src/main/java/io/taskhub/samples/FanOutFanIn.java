package io.taskhub.samples;

import io.taskhub.ports.orchestration.ActivityContext;
import io.taskhub.ports.orchestration.DurableTask;
import io.taskhub.ports.orchestration.OrchestrationContext;
import io.taskhub.ports.orchestration.TaskRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * Fan-out/fan-in: with input {@code {"count": N}}, schedules {@value #WORK} N times in parallel with inputs
 * 0..N-1 (each returns its input), waits for all of them and returns their sum ({@code N=10} gives 45).
 */
public final class FanOutFanIn {
    public static final String NAME = "FanOutFanIn";
    public static final String WORK = "FanOutFanIn_Work";

    /** The orchestrator's input. */
    public record Input(int count) {
    }

    private FanOutFanIn() {
    }

    static void register(TaskRegistry registry) {
        registry.addOrchestrator(NAME, FanOutFanIn::run);
        registry.addActivity(WORK, FanOutFanIn::work);
    }

    static int run(OrchestrationContext ctx) {
        Input input = ctx.getInput(Input.class);
        if (input == null || input.count() < 0) {
            throw new IllegalArgumentException(
                    NAME + " needs input {\"count\": N} with N >= 0, got: " + ctx.rawInput());
        }
        List<DurableTask<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < input.count(); i++) {
            tasks.add(ctx.callActivity(WORK, i, Integer.class));
        }
        int sum = 0;
        for (int result : ctx.allOf(tasks).await()) {
            sum += result;
        }
        return sum;
    }

    static int work(ActivityContext ctx) {
        return ctx.getInput(Integer.class);
    }
}
