package io.taskhub.grpc.testing;

import com.microsoft.durabletask.DurableTaskGrpcWorker;
import com.microsoft.durabletask.DurableTaskGrpcWorkerBuilder;
import com.microsoft.durabletask.RetryPolicy;
import com.microsoft.durabletask.Task;
import com.microsoft.durabletask.TaskActivity;
import com.microsoft.durabletask.TaskActivityFactory;
import com.microsoft.durabletask.TaskOptions;
import com.microsoft.durabletask.TaskOrchestration;
import com.microsoft.durabletask.TaskOrchestrationFactory;
import io.grpc.Channel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Orchestrations and activities written with the official Java SDK ({@code com.microsoft:durabletask-client}), as a
 * team using the SDK would write them, for the tests that run them on Taskhub: in process here, and against
 * {@code taskhub serve} in the integration tests.
 */
public final class SdkSamples {
    /** Attempts per input, for the activity that fails twice before it succeeds. */
    private static final Map<String, AtomicInteger> ATTEMPTS = new ConcurrentHashMap<>();
    /** Per key (the input of {@code SdkBlocking}): started, and released. Tests may run side by side. */
    private static final Map<String, CountDownLatch[]> BLOCKING = new ConcurrentHashMap<>();

    private SdkSamples() {
    }

    private static CountDownLatch[] blocking(String key) {
        return BLOCKING.computeIfAbsent(key, k -> new CountDownLatch[] {new CountDownLatch(1), new CountDownLatch(1)});
    }

    /** Whether the blocking activity of orchestration {@code SdkBlocking} with input {@code key} has started. */
    public static boolean awaitBlockingStarted(String key, Duration timeout) throws InterruptedException {
        return blocking(key)[0].await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Lets the blocking activity with input {@code key} return. */
    public static void releaseBlocking(String key) {
        blocking(key)[1].countDown();
    }

    /** Lets every blocking activity return (after a test). */
    public static void releaseAll() {
        BLOCKING.values().forEach(latches -> latches[1].countDown());
    }

    /** A worker in a process of its own: {@code SdkSamples HOST PORT}, until it is stopped or killed. */
    public static void main(String[] args) throws InterruptedException {
        io.grpc.ManagedChannel channel = io.grpc.ManagedChannelBuilder.forAddress(args[0], Integer.parseInt(args[1]))
                .usePlaintext().build();
        startWorker(channel);
        System.out.println("SDK worker started");
        Thread.currentThread().join();
    }

    /**
     * Where a worker in another process says that its blocking activity started: a file named after the key in the
     * folder of system property {@code taskhub.sdk.markers}, when it is set.
     */
    private static void markStarted(String key) {
        String folder = System.getProperty("taskhub.sdk.markers");
        if (folder != null) {
            try {
                java.nio.file.Files.writeString(java.nio.file.Path.of(folder, key), "started");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** Starts an SDK worker with every orchestration and activity below, on {@code channel}. */
    public static DurableTaskGrpcWorker startWorker(Channel channel) {
        DurableTaskGrpcWorkerBuilder builder = new DurableTaskGrpcWorkerBuilder().grpcChannel(channel);
        orchestration(builder, "SdkHello", ctx -> {
            List<String> greetings = new ArrayList<>();
            for (String city : List.of("Tokyo", "Seattle", "London")) {
                greetings.add(ctx.callActivity("SdkSayHello", city, String.class).await());
            }
            ctx.complete(greetings);
        });
        activity(builder, "SdkSayHello", ctx -> "Hello " + ctx.getInput(String.class) + "!");
        orchestration(builder, "SdkUsesTaskhubActivity", ctx ->
                ctx.complete(ctx.callActivity("E1_SayHello", "Oslo", String.class).await()));
        orchestration(builder, "SdkRetries", ctx -> ctx.complete(ctx.callActivity("SdkFlaky", ctx.getInstanceId(),
                new TaskOptions(new RetryPolicy(3, Duration.ofMillis(300))), String.class).await()));
        activity(builder, "SdkFlaky", ctx -> {
            int attempt = ATTEMPTS.computeIfAbsent(ctx.getInput(String.class), k -> new AtomicInteger())
                    .incrementAndGet();
            if (attempt < 3) {
                throw new IllegalStateException("attempt " + attempt + " fails");
            }
            return "succeeded on attempt " + attempt;
        });
        orchestration(builder, "SdkTimerAndEvent", ctx -> {
            ctx.createTimer(Duration.ofMillis(500)).await();
            ctx.setCustomStatus("waiting for approval");
            String answer = ctx.waitForExternalEvent("Approve", String.class).await();
            ctx.complete("approved: " + answer);
        });
        orchestration(builder, "SdkParent", ctx -> ctx.complete(ctx.callSubOrchestrator("SdkChild",
                ctx.getInput(Integer.class), ctx.getInstanceId() + "-child", Integer.class).await() + 1));
        orchestration(builder, "SdkChild", ctx -> ctx.complete(ctx.getInput(Integer.class) * 10));
        orchestration(builder, "SdkFanOut", ctx -> {
            List<Task<Integer>> parts = new ArrayList<>();
            for (int i = 1; i <= 20; i++) {
                parts.add(ctx.callActivity("SdkSquare", i, Integer.class));
            }
            ctx.complete(ctx.allOf(parts).await().stream().mapToInt(Integer::intValue).sum());
        });
        activity(builder, "SdkSquare", ctx -> ctx.getInput(Integer.class) * ctx.getInput(Integer.class));
        orchestration(builder, "SdkCounter", ctx -> {
            int n = ctx.getInput(Integer.class);
            if (n < 3) {
                ctx.continueAsNew(n + 1);
            } else {
                ctx.complete(n);
            }
        });
        orchestration(builder, "SdkFails", ctx -> {
            throw new IllegalArgumentException("the input was wrong");
        });
        orchestration(builder, "SdkBlocking", ctx -> ctx.complete(ctx.callActivity("SdkBlock",
                ctx.getInput(String.class), String.class).await()));
        activity(builder, "SdkBlock", ctx -> {
            String key = ctx.getInput(String.class);
            CountDownLatch[] latches = blocking(key);
            latches[0].countDown();
            markStarted(key);
            try {
                latches[1].await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "released";
        });
        DurableTaskGrpcWorker worker = builder.build();
        worker.start();
        return worker;
    }

    private static void orchestration(DurableTaskGrpcWorkerBuilder builder, String name, TaskOrchestration code) {
        builder.addOrchestration(new TaskOrchestrationFactory() {
            @Override
            public String getName() {
                return name;
            }

            @Override
            public TaskOrchestration create() {
                return code;
            }
        });
    }

    private static void activity(DurableTaskGrpcWorkerBuilder builder, String name, TaskActivity code) {
        builder.addActivity(new TaskActivityFactory() {
            @Override
            public String getName() {
                return name;
            }

            @Override
            public TaskActivity create() {
                return code;
            }
        });
    }
}
