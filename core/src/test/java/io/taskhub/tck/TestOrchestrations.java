package io.taskhub.tck;

import io.taskhub.core.registry.OrchestrationRegistry;
import io.taskhub.ports.orchestration.Activity;
import io.taskhub.ports.orchestration.DurableTask;
import io.taskhub.ports.orchestration.Orchestrator;
import io.taskhub.ports.orchestration.RetryPolicy;
import io.taskhub.ports.orchestration.TaskCanceledException;
import io.taskhub.ports.orchestration.TaskFailedException;
import io.taskhub.ports.orchestration.TaskOptions;
import io.taskhub.ports.orchestration.TaskRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * The orchestrations and activities the engine suite runs. Counters are keyed by instance id so that tests
 * (and backends) sharing one JVM never see each other's counts.
 */
public final class TestOrchestrations {
    /** How many times an activity ran, by "activity/instanceId". */
    public static final Map<String, AtomicInteger> RUNS = new ConcurrentHashMap<>();
    /** Instance ids for which the "Flaky" activity should now succeed. */
    static final Map<String, Boolean> HEALED = new ConcurrentHashMap<>();
    /** Flips the behaviour of the non-deterministic orchestrator after its first run, per instance. */
    static final Map<String, AtomicInteger> NONDETERMINISTIC_RUNS = new ConcurrentHashMap<>();

    private TestOrchestrations() {
    }

    public static int runs(String activity, String instanceId) {
        AtomicInteger count = RUNS.get(activity + "/" + instanceId);
        return count == null ? 0 : count.get();
    }

    private static int countRun(String activity, String instanceId) {
        return RUNS.computeIfAbsent(activity + "/" + instanceId, k -> new AtomicInteger()).incrementAndGet();
    }

    public static OrchestrationRegistry registry() {
        return registry(UnaryOperator.identity());
    }

    /**
     * A decorator for {@link #registry(UnaryOperator)}: every activity after the first {@code runs} of this
     * process blocks for ever (printing "activity for ID hangs" first). The worker keeps renewing their leases,
     * so a test that kills the process afterwards knows it died holding work.
     */
    public static UnaryOperator<Activity> hangingAfter(int runs) {
        return hangingAfter(runs, "");
    }

    /**
     * The same, for activities run on threads whose names start with {@code threadPrefix} only (such as the
     * threads that run what a worker's own steps handed to it); the others keep running normally, so that the
     * worker surely ends up holding that kind of work.
     */
    public static UnaryOperator<Activity> hangingAfter(int runs, String threadPrefix) {
        AtomicInteger started = new AtomicInteger();
        return activity -> context -> {
            if (started.incrementAndGet() > runs && Thread.currentThread().getName().startsWith(threadPrefix)) {
                // The thread tells how the worker got it: claimed, or handed over by its step's commit.
                System.out.println("activity for " + context.instanceId() + " hangs on thread "
                        + Thread.currentThread().getName());
                System.out.flush();
                new CountDownLatch(1).await();
            }
            return activity.run(context);
        };
    }

    /**
     * The same registry with every activity passed through {@code decorator} first, so that a test can change
     * how activities behave in one worker (slow them down, make them hang) without redefining them.
     */
    public static OrchestrationRegistry registry(UnaryOperator<Activity> decorator) {
        OrchestrationRegistry registry = new OrchestrationRegistry();
        TaskRegistry r = new TaskRegistry() {
            @Override
            public TaskRegistry addOrchestrator(String name, Orchestrator orchestrator) {
                return registry.addOrchestrator(name, orchestrator);
            }

            @Override
            public TaskRegistry addActivity(String name, Activity activity) {
                return registry.addActivity(name, decorator.apply(activity));
            }
        };
        r.addActivity("SayHello", ctx -> "Hello " + ctx.getInput(String.class) + "!");
        r.addActivity("Identity", ctx -> ctx.getInput(Integer.class));
        r.addActivity("Count", ctx -> countRun("Count", ctx.instanceId()));
        r.addActivity("Fail", ctx -> {
            throw new IllegalArgumentException("bad input: " + ctx.getInput(String.class));
        });
        r.addActivity("Flaky", ctx -> {
            countRun("Flaky", ctx.instanceId());
            if (!HEALED.containsKey(ctx.instanceId())) {
                throw new IllegalStateException("flaky activity failed for " + ctx.instanceId());
            }
            return "healed";
        });
        r.addActivity("FailTwice", ctx -> {
            if (countRun("FailTwice", ctx.instanceId()) <= 2) {
                throw new IllegalStateException("attempt failed");
            }
            return "third time lucky";
        });
        r.addActivity("Crash", ctx -> {
            countRun("Crash", ctx.instanceId());
            throw new AssertionError("simulated crash of the worker running this activity");
        });

        r.addOrchestrator("Hello", ctx -> List.of(
                ctx.callActivity("SayHello", "Tokyo", String.class).await(),
                ctx.callActivity("SayHello", "Seattle", String.class).await(),
                ctx.callActivity("SayHello", "London", String.class).await()));
        r.addOrchestrator("FanOut", ctx -> {
            int n = ctx.getInput(Integer.class);
            List<DurableTask<Integer>> tasks = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                tasks.add(ctx.callActivity("Identity", i, Integer.class));
            }
            return ctx.allOf(tasks).await().stream().mapToLong(Integer::longValue).sum();
        });
        r.addOrchestrator("Timer", ctx -> {
            ctx.createTimer(Duration.ofMillis(ctx.getInput(Integer.class))).await();
            return "fired";
        });
        r.addOrchestrator("WaitEvent", ctx -> ctx.waitForExternalEvent("Go", Object.class).await());
        r.addOrchestrator("FirstThenGo", ctx -> {
            ctx.waitForExternalEvent("First", Object.class).await();
            return ctx.waitForExternalEvent("Go", Object.class).await();
        });
        r.addOrchestrator("TimerThenEvent", ctx -> {
            ctx.createTimer(Duration.ofMillis(500)).await();
            return ctx.waitForExternalEvent("Go", Object.class).await();
        });
        r.addOrchestrator("WaitEventWithTimeout", ctx -> {
            try {
                return ctx.waitForExternalEvent("Go", Duration.ofMillis(ctx.getInput(Integer.class)), String.class)
                        .await();
            } catch (TaskCanceledException e) {
                return "timed out";
            }
        });
        r.addOrchestrator("CustomStatus", ctx -> {
            ctx.setCustomStatus(Map.of("stage", 1));
            Object go = ctx.waitForExternalEvent("Go", Object.class).await();
            ctx.setCustomStatus("done");
            return go;
        });
        r.addOrchestrator("Parent", ctx -> ctx.callSubOrchestrator("WaitEvent", null,
                ctx.instanceId() + ":child", Object.class).await());
        r.addOrchestrator("Grandparent", ctx -> ctx.callSubOrchestrator("Parent", null,
                ctx.instanceId() + ":parent", Object.class).await());
        r.addOrchestrator("FailingChild", ctx -> {
            throw new IllegalStateException("child broke: " + ctx.getInput(String.class));
        });
        r.addOrchestrator("CatchChildFailure", ctx -> {
            try {
                return ctx.callSubOrchestrator("FailingChild", "on purpose", null, String.class).await();
            } catch (TaskFailedException e) {
                return "caught " + e.failure().errorType() + " / " + e.failure().errorMessage();
            }
        });
        r.addOrchestrator("ParentOfFailingChild", ctx -> ctx.callSubOrchestrator("FailingChild", "unhandled",
                ctx.instanceId() + ":child", String.class).await());
        r.addOrchestrator("CatchActivityFailure", ctx -> {
            try {
                return ctx.callActivity("Fail", "x", String.class).await();
            } catch (TaskFailedException e) {
                return e.failure().errorType() + ": " + e.failure().errorMessage();
            }
        });
        r.addOrchestrator("Accumulate", ctx -> {
            int total = ctx.getInput(Integer.class);
            total += ctx.waitForExternalEvent("Add", Integer.class).await();
            if (total < 3) {
                ctx.continueAsNew(total, true);
            }
            return total;
        });
        r.addOrchestrator("Rewindable", ctx -> {
            int counted = ctx.callActivity("Count", null, Integer.class).await();
            ctx.createTimer(Duration.ofMillis(100)).await();
            String flaky = ctx.callActivity("Flaky", null, String.class).await();
            return counted + ":" + flaky;
        });
        r.addOrchestrator("RewindableParent", ctx -> {
            int counted = ctx.callActivity("Count", null, Integer.class).await();
            String child = ctx.callSubOrchestrator("Rewindable", null, ctx.instanceId() + ":child", String.class)
                    .await();
            return counted + "/" + child;
        });
        r.addOrchestrator("RetryFlaky", ctx -> ctx.callActivity("Flaky", null,
                TaskOptions.withRetry(RetryPolicy.of(2, Duration.ofMillis(50))), String.class).await());
        r.addOrchestrator("Retry", ctx -> ctx.callActivity("FailTwice", null,
                TaskOptions.withRetry(RetryPolicy.of(3, Duration.ofMillis(50)).withBackoff(2.0, null)), String.class)
                .await());
        r.addOrchestrator("NonDeterministic", ctx -> {
            int run = NONDETERMINISTIC_RUNS.computeIfAbsent(ctx.instanceId(), k -> new AtomicInteger())
                    .getAndIncrement();
            ctx.callActivity(run == 0 ? "SayHello" : "Identity", "x", Object.class).await();
            return ctx.waitForExternalEvent("Go", Object.class).await();
        });
        r.addOrchestrator("SwallowsUnwind", ctx -> {
            try {
                return ctx.waitForExternalEvent("Go", Object.class).await();
            } catch (Throwable swallowed) {
                return "swallowed " + swallowed.getClass().getSimpleName();
            }
        });
        r.addOrchestrator("CallsCrashingActivity", ctx -> ctx.callActivity("Crash", null, String.class).await());
        r.addOrchestrator("Throws", ctx -> {
            throw new UnsupportedOperationException("orchestrator gave up");
        });
        r.addOrchestrator("ActivityThenEvent", ctx -> {
            String hello = ctx.callActivity("SayHello", "once", String.class).await();
            Object go = ctx.waitForExternalEvent("Go", Object.class).await();
            return hello + " " + go;
        });
        r.addOrchestrator("Echo", ctx -> ctx.getInput(Object.class));
        r.addOrchestrator("FailsAfterStartingChild", ctx -> {
            DurableTask<Object> child = ctx.callSubOrchestrator("Echo", "from the child", ctx.instanceId() + ":echo",
                    Object.class);
            if (!HEALED.containsKey(ctx.instanceId())) {
                throw new IllegalStateException("failed in the step that started the child");
            }
            return child.await();
        });
        return registry;
    }
}
