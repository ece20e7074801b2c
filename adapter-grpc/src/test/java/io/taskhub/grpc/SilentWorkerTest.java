package io.taskhub.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.durabletask.DurableTaskGrpcWorker;
import com.microsoft.durabletask.OrchestrationMetadata;
import com.microsoft.durabletask.OrchestrationRuntimeStatus;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.taskhub.grpc.protocol.GetWorkItemsRequest;
import io.taskhub.grpc.protocol.TaskHubSidecarServiceGrpc;
import io.taskhub.grpc.protocol.WorkItem;
import io.taskhub.grpc.testing.SdkSamples;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The workers' streams: a connected worker that takes work items and never answers has its stream ended once the
 * work item timeout passes, and what it held goes to another worker, where the instance completes; a worker of a
 * task hub this server does not run is refused.
 */
class SilentWorkerTest extends SidecarTestBase {
    @Override
    protected Duration remoteTimeout() {
        return Duration.ofSeconds(2);
    }

    @Test
    void workASilentWorkerHolds_isRedoneByAnotherAfterTheTimeout() throws Exception {
        ManagedChannel silentChannel = channel(null);
        ManagedChannel sdkChannel = channel(null);
        CopyOnWriteArrayList<WorkItem> swallowed = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicReference<Throwable> ended = new java.util.concurrent.atomic.AtomicReference<>();
        DurableTaskGrpcWorker sdkWorker = null;
        try {
            TaskHubSidecarServiceGrpc.newStub(silentChannel).getWorkItems(GetWorkItemsRequest.getDefaultInstance(),
                    new StreamObserver<>() {
                        @Override
                        public void onNext(WorkItem item) {
                            swallowed.add(item); // taken, never answered
                        }

                        @Override
                        public void onError(Throwable t) {
                            ended.set(t);
                        }

                        @Override
                        public void onCompleted() {
                        }
                    });
            String id = sdk.scheduleNewOrchestrationInstance("SdkHello");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !swallowed.isEmpty());
            sdkWorker = SdkSamples.startWorker(sdkChannel);
            OrchestrationMetadata done = sdk.waitForInstanceCompletion(id, Duration.ofSeconds(60), true);
            assertThat(done.getRuntimeStatus()).isEqualTo(OrchestrationRuntimeStatus.COMPLETED);
            assertThat(done.readOutputAs(String[].class)).containsExactlyElementsOf(greetings());
            assertThat(swallowed).as("the silent worker was given work").isNotEmpty();
            assertThat(ended.get()).as("the silent worker's stream was ended").isNotNull()
                    .hasMessageContaining("stayed silent");
        } finally {
            if (sdkWorker != null) {
                sdkWorker.close();
            }
            silentChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            sdkChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aWorkerOfATaskHubThisServerDoesNotRun_isRefused() throws InterruptedException {
        ManagedChannel elsewhere = channel("hubwithoutworker", null);
        try {
            java.util.Iterator<WorkItem> items = TaskHubSidecarServiceGrpc.newBlockingStub(elsewhere)
                    .getWorkItems(GetWorkItemsRequest.getDefaultInstance());
            org.assertj.core.api.Assertions.assertThatThrownBy(items::hasNext)
                    .isInstanceOfSatisfying(io.grpc.StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.FAILED_PRECONDITION);
                        assertThat(e.getStatus().getDescription()).contains("hubwithoutworker");
                    });
        } finally {
            elsewhere.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
