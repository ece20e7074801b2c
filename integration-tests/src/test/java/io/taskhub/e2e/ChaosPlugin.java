package io.taskhub.e2e;

import io.taskhub.ports.orchestration.ActivityContext;
import io.taskhub.ports.orchestration.DurableTask;
import io.taskhub.ports.orchestration.OrchestrationContext;
import io.taskhub.ports.orchestration.TaskFailedException;
import io.taskhub.ports.orchestration.TaskRegistry;
import io.taskhub.ports.orchestration.TaskhubPlugin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The chaos suite's workload, one orchestrator of each kind the engine runs: a sequence of activities, a
 * fan-out, a durable timer, an external event, a sub-orchestration and a continue-as-new loop. Every activity run
 * appends one line (instance id, task id and input, which tell the executions of a continue-as-new loop apart) to
 * the file named by {@value #RUNS_FILE}, so the suite can count the activities that ran more than once
 * (at-least-once) against the results recorded (exactly once). Each takes {@value #ACTIVITY_MILLIS} ms, so that a
 * kill can find some of them running.
 */
public final class ChaosPlugin implements TaskhubPlugin {
    static final String RUNS_FILE = "TASKHUB_TEST_CHAOS_RUNS";
    static final String SEQUENCE = "ChaosSequence";
    static final String FAN_OUT = "ChaosFanOut";
    static final String TIMER = "ChaosTimer";
    static final String EVENT = "ChaosEvent";
    static final String PARENT = "ChaosParent";
    static final String LOOP = "ChaosLoop";
    /** The sequence with activities of a second: a server paused in the middle is surely running some. */
    static final String SLOW_SEQUENCE = "ChaosSlowSequence";
    static final String GREET = "ChaosGreet";
    static final String SQUARE = "ChaosSquare";
    static final String SLOW_GREET = "ChaosSlowGreet";
    /** Calls an activity that crashes the worker process each time it runs; ends with the failure it gets. */
    static final String CALLS_CRASHING_ACTIVITY = "ChaosCallsCrashingActivity";
    static final String CRASHING_ACTIVITY = "ChaosCrashingActivity";
    /** An orchestrator whose every step crashes the worker process. */
    static final String CRASHING_ORCHESTRATOR = "ChaosCrashingOrchestrator";
    /** The exit code of a process that one of the crashing functions ended. */
    static final int CRASH_EXIT_CODE = 70;
    static final int FAN_OUT_WIDTH = 5;
    static final int LOOP_ROUNDS = 3;
    static final long ACTIVITY_MILLIS = 25;

    @Override
    public void register(TaskRegistry registry) {
        registry.addOrchestrator(SEQUENCE, ctx -> sequence(ctx, GREET));
        registry.addOrchestrator(SLOW_SEQUENCE, ctx -> sequence(ctx, SLOW_GREET));
        registry.addOrchestrator(FAN_OUT, ChaosPlugin::fanOut);
        registry.addOrchestrator(TIMER, ctx -> {
            ctx.createTimer(Duration.ofMillis(500)).await();
            return ctx.callActivity(GREET, "timer", String.class).await();
        });
        registry.addOrchestrator(EVENT, ctx -> {
            String name = ctx.waitForExternalEvent("go", String.class).await();
            return ctx.callActivity(GREET, name, String.class).await();
        });
        registry.addOrchestrator(PARENT, ctx -> ctx.callSubOrchestrator(SEQUENCE, null, ctx.instanceId() + "-child",
                Object.class).await());
        registry.addOrchestrator(LOOP, ChaosPlugin::loop);
        registry.addActivity(GREET, ctx -> {
            recordRun(ctx);
            return "Hello " + ctx.getInput(String.class) + "!";
        });
        registry.addActivity(SLOW_GREET, ctx -> {
            recordRun(ctx);
            markRunningHere();
            Thread.sleep(1_000);
            return "Hello " + ctx.getInput(String.class) + "!";
        });
        registry.addOrchestrator(CALLS_CRASHING_ACTIVITY, ctx -> {
            try {
                return ctx.callActivity(CRASHING_ACTIVITY, null, String.class).await();
            } catch (TaskFailedException e) {
                return e.failure().summary();
            }
        });
        registry.addActivity(CRASHING_ACTIVITY, ctx -> crashThisProcess());
        registry.addOrchestrator(CRASHING_ORCHESTRATOR, ctx -> crashThisProcess());
        registry.addActivity(SQUARE, ctx -> {
            recordRun(ctx);
            int n = ctx.getInput(Integer.class);
            return n * n;
        });
    }

    private static List<String> sequence(OrchestrationContext ctx, String activity) {
        List<String> greetings = new ArrayList<>();
        for (String city : List.of("Tokyo", "Seattle", "London")) {
            greetings.add(ctx.callActivity(activity, city, String.class).await());
        }
        return greetings;
    }

    private static int fanOut(OrchestrationContext ctx) {
        List<DurableTask<Integer>> squares = new ArrayList<>();
        for (int i = 1; i <= FAN_OUT_WIDTH; i++) {
            squares.add(ctx.callActivity(SQUARE, i, Integer.class));
        }
        return ctx.allOf(squares).await().stream().mapToInt(Integer::intValue).sum();
    }

    /** The loop's state, carried from one execution to the next. */
    public record LoopState(int round, int sum) {
    }

    /** Squares 1, 2, 3 in three executions and ends with their sum: every execution's result counts. */
    private static Integer loop(OrchestrationContext ctx) {
        LoopState state = ctx.getInput(LoopState.class);
        if (state.round() >= LOOP_ROUNDS) {
            return state.sum();
        }
        int square = ctx.callActivity(SQUARE, state.round() + 1, Integer.class).await();
        ctx.continueAsNew(new LoopState(state.round() + 1, state.sum() + square));
        return null;
    }

    /**
     * Ends the process at once, as a native crash or an out-of-memory kill would (no shutdown hooks, nothing
     * released); only in a chaos run, whose driver restarts the process.
     */
    private static String crashThisProcess() {
        if (System.getenv(RUNS_FILE) == null) {
            throw new IllegalStateException("The crashing functions crash only the chaos suite's servers");
        }
        Runtime.getRuntime().halt(CRASH_EXIT_CODE);
        throw new AssertionError("unreachable");
    }

    /** One line per run; appends of a few bytes are atomic, so both worker processes can share the file. */
    private static void recordRun(ActivityContext ctx) throws InterruptedException {
        String file = System.getenv(RUNS_FILE);
        if (file == null) {
            return;
        }
        byte[] line = (ctx.instanceId() + " " + ctx.taskId() + " " + ctx.rawInput() + "\n")
                .getBytes(StandardCharsets.UTF_8);
        try (FileChannel channel = FileChannel.open(Path.of(file), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            channel.write(ByteBuffer.wrap(line));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.sleep(ACTIVITY_MILLIS);
    }

    /** Leaves a file named after this process: it has run a slow activity (the suite waits for one before a pause). */
    private static void markRunningHere() throws IOException {
        String file = System.getenv(RUNS_FILE);
        if (file != null) {
            Path marker = runningMarker(Path.of(file), ProcessHandle.current().pid());
            if (!java.nio.file.Files.exists(marker)) {
                java.nio.file.Files.writeString(marker, "");
            }
        }
    }

    /** The file a process leaves once it runs a slow activity. */
    static Path runningMarker(Path runsFile, long pid) {
        return runsFile.resolveSibling(runsFile.getFileName() + ".slow." + pid);
    }

    /** The output each orchestrator ends with, as JSON. */
    static String expectedOutput(String orchestrator, String eventPayload) {
        return switch (orchestrator) {
            case SEQUENCE, SLOW_SEQUENCE, PARENT -> "[\"Hello Tokyo!\",\"Hello Seattle!\",\"Hello London!\"]";
            case FAN_OUT -> String.valueOf(1 + 4 + 9 + 16 + 25);
            case TIMER -> "\"Hello timer!\"";
            case EVENT -> "\"Hello " + eventPayload + "!\"";
            case LOOP -> String.valueOf(1 + 4 + 9);
            default -> throw new IllegalArgumentException(orchestrator);
        };
    }
}
