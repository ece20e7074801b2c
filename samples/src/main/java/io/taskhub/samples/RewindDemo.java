package io.taskhub.samples;

import io.taskhub.ports.orchestration.ActivityContext;
import io.taskhub.ports.orchestration.OrchestrationContext;
import io.taskhub.ports.orchestration.TaskRegistry;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Rewind: calls {@value #STEP} (always succeeds), then {@value #FLAKY}, which fails the first time it runs for
 * an instance and succeeds from then on. A fresh instance therefore ends {@code Failed}; rewinding it re-runs
 * only the flaky activity (the step's recorded result is kept, so it has still run once) and the instance
 * completes with {@code "Recovered"}. Takes no input.
 *
 * <p>The per-instance bookkeeping lives in this JVM's memory so tests can observe it; it is demo state, not a
 * pattern for real activities.
 */
public final class RewindDemo {
    public static final String NAME = "RewindDemo";
    public static final String STEP = "RewindDemo_Step";
    public static final String FLAKY = "RewindDemo_Flaky";
    public static final String RECOVERED = "Recovered";

    private static final Map<String, AtomicInteger> STEP_RUNS = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> FLAKY_RUNS = new ConcurrentHashMap<>();
    private static final Set<String> FAILED_ONCE = ConcurrentHashMap.newKeySet();

    private RewindDemo() {
    }

    static void register(TaskRegistry registry) {
        registry.addOrchestrator(NAME, RewindDemo::run);
        registry.addActivity(STEP, RewindDemo::step);
        registry.addActivity(FLAKY, RewindDemo::flaky);
    }

    static String run(OrchestrationContext ctx) {
        ctx.callActivity(STEP, null, String.class).await();
        ctx.callActivity(FLAKY, null, String.class).await();
        return RECOVERED;
    }

    static String step(ActivityContext ctx) {
        STEP_RUNS.computeIfAbsent(ctx.instanceId(), id -> new AtomicInteger()).incrementAndGet();
        return "Step done";
    }

    static String flaky(ActivityContext ctx) {
        FLAKY_RUNS.computeIfAbsent(ctx.instanceId(), id -> new AtomicInteger()).incrementAndGet();
        if (FAILED_ONCE.add(ctx.instanceId())) {
            throw new IllegalStateException(FLAKY + " fails on its first run for instance '" + ctx.instanceId()
                    + "' by design; rewind the instance to run it again");
        }
        return "Flaky done";
    }

    /** How many times {@value #STEP} ran for {@code instanceId} in this JVM. */
    public static int stepRuns(String instanceId) {
        AtomicInteger runs = STEP_RUNS.get(instanceId);
        return runs == null ? 0 : runs.get();
    }

    /** How many times {@value #FLAKY} ran (failed or not) for {@code instanceId} in this JVM. */
    public static int flakyRuns(String instanceId) {
        AtomicInteger runs = FLAKY_RUNS.get(instanceId);
        return runs == null ? 0 : runs.get();
    }
}
