package io.taskhub.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.durabletask.NewOrchestrationInstanceOptions;
import com.microsoft.durabletask.OrchestrationMetadata;
import com.microsoft.durabletask.OrchestrationRuntimeStatus;
import com.microsoft.durabletask.OrchestrationStatusQuery;
import com.microsoft.durabletask.OrchestrationStatusQueryResult;
import com.microsoft.durabletask.PurgeInstanceCriteria;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.taskhub.ports.client.StatusOptions;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.samples.Approval;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The official Java SDK's client ({@code com.microsoft:durabletask-client}) manages Taskhub's instances over the
 * Durable Task protocol: what it starts, raises, suspends, terminates, queries and purges is the instance every
 * other client of the task hub sees.
 */
class SdkClientTest extends SidecarTestBase {
    private static final Map<String, Object> WAIT_AN_HOUR = Map.of("timeoutSeconds", 3600);

    @Test
    void start_waitAndGet_showTheInstanceAsTaskhubHasIt() throws TimeoutException {
        String id = sdk.scheduleNewOrchestrationInstance("E1_HelloSequence",
                new NewOrchestrationInstanceOptions().setInstanceId("sdk-hello"));
        assertThat(id).isEqualTo("sdk-hello");

        OrchestrationMetadata done = sdk.waitForInstanceCompletion(id, Duration.ofSeconds(30), true);
        assertThat(done.getRuntimeStatus()).isEqualTo(OrchestrationRuntimeStatus.COMPLETED);
        assertThat(List.of(done.readOutputAs(String[].class))).isEqualTo(greetings());
        assertThat(done.getName()).isEqualTo("E1_HelloSequence");

        InstanceMetadata stored = taskhub().getStatus(id, StatusOptions.DEFAULT).orElseThrow().metadata();
        assertThat(done.getCreatedAt()).isEqualTo(stored.createdAt().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        assertThat(done.getSerializedOutput()).isEqualTo(stored.output());

        OrchestrationMetadata withoutPayloads = sdk.getInstanceMetadata(id, false);
        assertThat(withoutPayloads.isInstanceFound()).isTrue();
        assertThat(withoutPayloads.getSerializedOutput()).isNullOrEmpty();
        assertThat(sdk.getInstanceMetadata("no-such-instance", true).isInstanceFound()).isFalse();
    }

    @Test
    void waitForStart_andATimeoutThatPasses() throws TimeoutException {
        String id = sdk.scheduleNewOrchestrationInstance("Approval", WAIT_AN_HOUR);
        OrchestrationMetadata started = sdk.waitForInstanceStart(id, Duration.ofSeconds(30), true);
        assertThat(started.getRuntimeStatus()).isEqualTo(OrchestrationRuntimeStatus.RUNNING);
        assertThat(started.readCustomStatusAs(String.class)).isEqualTo("Waiting");
        assertThatThrownBy(() -> sdk.waitForInstanceCompletion(id, Duration.ofMillis(800), false))
                .isInstanceOf(TimeoutException.class);
    }

    @Test
    void raiseEvent_suspendResumeAndTerminate_actOnTheInstance() throws TimeoutException {
        String approval = sdk.scheduleNewOrchestrationInstance("Approval", WAIT_AN_HOUR);
        awaitStatus(approval, RuntimeStatus.Running);
        sdk.suspendInstance(approval, "a pause");
        awaitStatus(approval, RuntimeStatus.Suspended);
        assertThat(sdk.getInstanceMetadata(approval, false).getRuntimeStatus())
                .isEqualTo(OrchestrationRuntimeStatus.SUSPENDED);
        sdk.resumeInstance(approval, "go on");
        awaitStatus(approval, RuntimeStatus.Running);
        sdk.raiseEvent(approval, Approval.EVENT, "approved");
        OrchestrationMetadata done = sdk.waitForInstanceCompletion(approval, Duration.ofSeconds(30), true);
        assertThat(done.readOutputAs(String.class)).isEqualTo("approved");

        String doomed = sdk.scheduleNewOrchestrationInstance("Approval", WAIT_AN_HOUR);
        awaitStatus(doomed, RuntimeStatus.Running);
        sdk.terminate(doomed, "no longer needed");
        OrchestrationMetadata terminated = sdk.waitForInstanceCompletion(doomed, Duration.ofSeconds(30), true);
        assertThat(terminated.getRuntimeStatus()).isEqualTo(OrchestrationRuntimeStatus.TERMINATED);
    }

    @Test
    void refusals_comeBackAsTheProtocolsStatuses() {
        String running = sdk.scheduleNewOrchestrationInstance("Approval", WAIT_AN_HOUR);
        awaitStatus(running, RuntimeStatus.Running);
        assertThat(status(() -> sdk.scheduleNewOrchestrationInstance("Approval",
                new NewOrchestrationInstanceOptions().setInstanceId(running).setInput(WAIT_AN_HOUR))))
                .isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(status(() -> sdk.raiseEvent("no-such-instance", "Go", null))).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(status(() -> sdk.resumeInstance(running, "it is not suspended")))
                .isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(status(() -> sdk.scheduleNewOrchestrationInstance("E1_HelloSequence",
                new NewOrchestrationInstanceOptions().setInstanceId("bad/id")))).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    private static Status.Code status(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
        throw new AssertionError("the call was not refused");
    }

    @Test
    void queryInstances_filtersByPrefixStatusAndTime_andPagesWithTheContinuationToken()
            throws TimeoutException {
        Instant before = Instant.now().minusSeconds(1);
        for (int i = 0; i < 5; i++) {
            sdk.scheduleNewOrchestrationInstance("E1_HelloSequence",
                    new NewOrchestrationInstanceOptions().setInstanceId("q-" + i));
        }
        String waiting = sdk.scheduleNewOrchestrationInstance("Approval",
                new NewOrchestrationInstanceOptions().setInstanceId("q-waiting").setInput(WAIT_AN_HOUR));
        sdk.scheduleNewOrchestrationInstance("E1_HelloSequence",
                new NewOrchestrationInstanceOptions().setInstanceId("other"));
        for (int i = 0; i < 5; i++) {
            sdk.waitForInstanceCompletion("q-" + i, Duration.ofSeconds(30), false);
        }
        awaitStatus(waiting, RuntimeStatus.Running);

        Set<String> seen = new HashSet<>();
        List<Integer> pageSizes = new ArrayList<>();
        String token = null;
        do {
            OrchestrationStatusQueryResult page = sdk.queryInstances(new OrchestrationStatusQuery()
                    .setInstanceIdPrefix("q-").setMaxInstanceCount(2).setContinuationToken(token)
                    .setCreatedTimeFrom(before));
            pageSizes.add(page.getOrchestrationState().size());
            page.getOrchestrationState().forEach(m -> assertThat(seen.add(m.getInstanceId())).isTrue());
            token = page.getContinuationToken();
        } while (token != null && !token.isEmpty());
        assertThat(seen).containsExactlyInAnyOrder("q-0", "q-1", "q-2", "q-3", "q-4", "q-waiting");
        assertThat(pageSizes).allMatch(size -> size <= 2);

        OrchestrationStatusQueryResult running = sdk.queryInstances(new OrchestrationStatusQuery()
                .setRuntimeStatusList(List.of(OrchestrationRuntimeStatus.RUNNING)).setFetchInputsAndOutputs(true));
        assertThat(running.getOrchestrationState()).extracting(OrchestrationMetadata::getInstanceId)
                .containsExactly("q-waiting");
        assertThat(running.getOrchestrationState().get(0).readInputAs(Map.class)).isEqualTo(WAIT_AN_HOUR);
        assertThat(sdk.queryInstances(new OrchestrationStatusQuery().setCreatedTimeFrom(Instant.now().plusSeconds(60)))
                .getOrchestrationState()).isEmpty();
    }

    @Test
    void purge_byIdAndByFilter_deletesFinishedInstancesOnly() throws TimeoutException {
        String first = sdk.scheduleNewOrchestrationInstance("E1_HelloSequence");
        String second = sdk.scheduleNewOrchestrationInstance("E1_HelloSequence");
        String running = sdk.scheduleNewOrchestrationInstance("Approval", WAIT_AN_HOUR);
        sdk.waitForInstanceCompletion(first, Duration.ofSeconds(30), false);
        sdk.waitForInstanceCompletion(second, Duration.ofSeconds(30), false);
        awaitStatus(running, RuntimeStatus.Running);

        assertThat(sdk.purgeInstance(first).getDeletedInstanceCount()).isEqualTo(1);
        assertThat(sdk.purgeInstance(first).getDeletedInstanceCount()).isZero();
        assertThat(status(() -> sdk.purgeInstance(running))).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(sdk.purgeInstances(new PurgeInstanceCriteria().setCreatedTimeFrom(Instant.now().minusSeconds(600))
                .setRuntimeStatusList(List.of(OrchestrationRuntimeStatus.COMPLETED))).getDeletedInstanceCount())
                .isEqualTo(1);
        assertThat(taskhub().getStatus(second, StatusOptions.DEFAULT)).isEmpty();
        assertThat(taskhub().getStatus(running, StatusOptions.DEFAULT)).isPresent();
    }

    @Test
    void restart_startsTheOrchestrationAgainWithItsInput() throws TimeoutException {
        String id = sdk.scheduleNewOrchestrationInstance("E1_HelloSequence");
        sdk.waitForInstanceCompletion(id, Duration.ofSeconds(30), false);
        String again = sdk.restartInstance(id, true);
        assertThat(again).isNotEqualTo(id);
        assertThat(sdk.waitForInstanceCompletion(again, Duration.ofSeconds(30), true).readOutputAs(String[].class))
                .containsExactlyElementsOf(greetings());
    }
}
