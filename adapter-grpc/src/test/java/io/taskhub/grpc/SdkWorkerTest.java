package io.taskhub.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.durabletask.DurableTaskGrpcWorker;
import com.microsoft.durabletask.NewOrchestrationInstanceOptions;
import com.microsoft.durabletask.OrchestrationMetadata;
import com.microsoft.durabletask.OrchestrationRuntimeStatus;
import io.grpc.ManagedChannel;
import io.taskhub.grpc.testing.SdkSamples;
import io.taskhub.ports.client.StatusOptions;
import io.taskhub.ports.model.RuntimeStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The official Java SDK's worker ({@code com.microsoft:durabletask-client}) runs its orchestrations and activities
 * on Taskhub over the Durable Task protocol: the engine keeps their history and rules, the SDK runs their code.
 */
class SdkWorkerTest extends SidecarTestBase {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final List<DurableTaskGrpcWorker> sdkWorkers = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();

    @AfterEach
    void stopSdkWorkers() throws InterruptedException {
        SdkSamples.releaseAll();
        sdkWorkers.forEach(DurableTaskGrpcWorker::close);
        for (ManagedChannel channel : channels) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** Starts an SDK worker with every orchestration and activity of {@link SdkSamples}, on a channel of its own. */
    private DurableTaskGrpcWorker startSdkWorker() {
        ManagedChannel channel = channel(null);
        channels.add(channel);
        DurableTaskGrpcWorker worker = SdkSamples.startWorker(channel);
        sdkWorkers.add(worker);
        return worker;
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
        DurableTaskGrpcWorker first = startSdkWorker();
        String key = "killed-" + hub;
        String id = sdk.scheduleNewOrchestrationInstance("SdkBlocking", key);
        assertThat(SdkSamples.awaitBlockingStarted(key, Duration.ofSeconds(30))).as("the activity started").isTrue();

        // The first worker goes away with the activity in its hands; its stream ends with it.
        first.close();
        channels.get(0).shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        SdkSamples.releaseBlocking(key);
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
