package io.taskhub.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.durabletask.DurableTaskGrpcWorker;
import com.microsoft.durabletask.DurableTaskGrpcWorkerBuilder;
import com.microsoft.durabletask.NewOrchestrationInstanceOptions;
import com.microsoft.durabletask.OrchestrationMetadata;
import com.microsoft.durabletask.OrchestrationRuntimeStatus;
import com.microsoft.durabletask.RetryPolicy;
import com.microsoft.durabletask.Task;
import com.microsoft.durabletask.TaskActivity;
import com.microsoft.durabletask.TaskActivityFactory;
import com.microsoft.durabletask.TaskOptions;
import com.microsoft.durabletask.TaskOrchestration;
import com.microsoft.durabletask.TaskOrchestrationFactory;
import io.grpc.ManagedChannel;
import io.taskhub.ports.client.StatusOptions;
import io.taskhub.ports.model.RuntimeStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The official Java SDK's worker ({@code com.microsoft:durabletask-client}) runs its orchestrations and activities
 * on Taskhub over the Durable Task protocol: the engine keeps their history and rules, the SDK runs their code.
 */
class SdkWorkerTest extends SidecarTestBase {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    /** Attempts per activity key, for the activity that fails before it succeeds. */
    private static final Map<String, AtomicInteger> ATTEMPTS = new ConcurrentHashMap<>();
    private static volatile CountDownLatch blockingStarted = new CountDownLatch(1);
    private static volatile CountDownLatch release = new CountDownLatch(1);

    private final List<DurableTaskGrpcWorker> sdkWorkers = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();

    @AfterEach
    void stopSdkWorkers() throws InterruptedException {
        release.countDown();
        sdkWorkers.forEach(DurableTaskGrpcWorker::close);
        for (ManagedChannel channel : channels) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** Starts an SDK worker with every orchestration and activity below, on a channel of its own. */
    private DurableTaskGrpcWorker startSdkWorker() {
        ManagedChannel channel = channel(null);
        channels.add(channel);
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
        orchestration(builder, "SdkBlocking", ctx -> ctx.complete(ctx.callActivity("SdkBlock", null, String.class)
                .await()));
        activity(builder, "SdkBlock", ctx -> {
            blockingStarted.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "released";
        });
        DurableTaskGrpcWorker worker = builder.build();
        worker.start();
        sdkWorkers.add(worker);
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

    private OrchestrationMetadata run(String name, Object input) throws TimeoutException {
        String id = sdk.scheduleNewOrchestrationInstance(name, input);
        return sdk.waitForInstanceCompletion(id, PATIENCE, true);
    }

    @Test
    void activitiesInSequence_andAnSdkOrchestrationCallingATaskhubActivity() throws TimeoutException {
        startSdkWorker();
        OrchestrationMetadata hello = run("SdkHello", null);
        assertThat(hello.getRuntimeStatus()).as(hello::toString).isEqualTo(OrchestrationRuntimeStatus.COMPLETED);
        assertThat(List.of(hello.readOutputAs(String[].class))).isEqualTo(greetings());
        // The engine keeps the history: three tasks scheduled and completed, as for any instance.
        assertThat(taskhub().getStatus(hello.getInstanceId(), StatusOptions.WITH_HISTORY).orElseThrow().history())
                .filteredOn(e -> e instanceof io.taskhub.ports.history.TaskCompleted).hasSize(3);

        OrchestrationMetadata mixed = run("SdkUsesTaskhubActivity", null);
        assertThat(mixed.readOutputAs(String.class)).isEqualTo("Hello Oslo!"); // the sample's in-process activity
    }

    @Test
    void retriesWithTimers_andATimerThenAnExternalEventWithCustomStatus() throws TimeoutException {
        startSdkWorker();
        OrchestrationMetadata retried = run("SdkRetries", null);
        assertThat(retried.readOutputAs(String.class)).isEqualTo("succeeded on attempt 3");

        String id = sdk.scheduleNewOrchestrationInstance("SdkTimerAndEvent");
        await().atMost(PATIENCE).until(() -> "waiting for approval".equals(
                sdk.getInstanceMetadata(id, true).readCustomStatusAs(String.class)));
        sdk.raiseEvent(id, "Approve", "yes");
        OrchestrationMetadata done = sdk.waitForInstanceCompletion(id, PATIENCE, true);
        assertThat(done.readOutputAs(String.class)).isEqualTo("approved: yes");
    }

    @Test
    void subOrchestrations_fanOutFanIn_andContinueAsNew() throws TimeoutException {
        startSdkWorker();
        assertThat(run("SdkParent", 4).readOutputAs(Integer.class)).isEqualTo(41);
        assertThat(run("SdkFanOut", null).readOutputAs(Integer.class)).isEqualTo(2870);
        OrchestrationMetadata counted = run("SdkCounter", 0);
        assertThat(counted.readOutputAs(Integer.class)).isEqualTo(3);
    }

    @Test
    void aFailure_keepsItsDetails() throws TimeoutException {
        startSdkWorker();
        OrchestrationMetadata failed = run("SdkFails", null);
        assertThat(failed.getRuntimeStatus()).isEqualTo(OrchestrationRuntimeStatus.FAILED);
        assertThat(failed.getFailureDetails().getErrorType()).isEqualTo(IllegalArgumentException.class.getName());
        assertThat(failed.getFailureDetails().getErrorMessage()).isEqualTo("the input was wrong");
        assertThat(taskhub().getStatus(failed.getInstanceId(), StatusOptions.DEFAULT).orElseThrow().metadata()
                .failure().errorMessage()).isEqualTo("the input was wrong");
    }

    @Test
    void suspendResumeAndTerminate_ofAnSdkOrchestration() throws TimeoutException {
        startSdkWorker();
        String id = sdk.scheduleNewOrchestrationInstance("SdkTimerAndEvent");
        awaitStatus(id, RuntimeStatus.Running);
        sdk.suspendInstance(id, "hold on");
        awaitStatus(id, RuntimeStatus.Suspended);
        sdk.resumeInstance(id, "go on");
        awaitStatus(id, RuntimeStatus.Running);
        sdk.terminate(id, "stopped");
        assertThat(sdk.waitForInstanceCompletion(id, PATIENCE, false).getRuntimeStatus())
                .isEqualTo(OrchestrationRuntimeStatus.TERMINATED);
    }

    @Test
    void workStaysQueuedWhileNoWorkerIsConnected_andRunsOnceOneIs() throws TimeoutException {
        String id = sdk.scheduleNewOrchestrationInstance("SdkHello");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() ->
                taskhub().getStatus(id, StatusOptions.DEFAULT).orElseThrow().metadata().runtimeStatus()
                        == RuntimeStatus.Pending);
        startSdkWorker();
        assertThat(sdk.waitForInstanceCompletion(id, PATIENCE, true).readOutputAs(String[].class))
                .containsExactlyElementsOf(greetings());
    }

    @Test
    void aWorkerKilledWithAnActivity_hasItRedoneByAnother() throws Exception {
        blockingStarted = new CountDownLatch(1);
        release = new CountDownLatch(1);
        DurableTaskGrpcWorker first = startSdkWorker();
        String id = sdk.scheduleNewOrchestrationInstance("SdkBlocking");
        assertThat(blockingStarted.await(30, TimeUnit.SECONDS)).as("the activity started").isTrue();

        // The first worker goes away with the activity in its hands; its stream ends with it.
        first.close();
        channels.get(0).shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        release.countDown();
        startSdkWorker();
        OrchestrationMetadata done = sdk.waitForInstanceCompletion(id, PATIENCE, true);
        assertThat(done.getRuntimeStatus()).isEqualTo(OrchestrationRuntimeStatus.COMPLETED);
        assertThat(done.readOutputAs(String.class)).isEqualTo("released");
    }

    @Test
    void inProcessOrchestrations_stillRunHere_besideRemoteWorkers() throws TimeoutException {
        startSdkWorker();
        String id = sdk.scheduleNewOrchestrationInstance("E1_HelloSequence",
                new NewOrchestrationInstanceOptions().setInstanceId("local-hello"));
        assertThat(sdk.waitForInstanceCompletion(id, PATIENCE, true).readOutputAs(String[].class))
                .containsExactlyElementsOf(greetings());
    }
}
