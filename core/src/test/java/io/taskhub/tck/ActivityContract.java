package io.taskhub.tck;

import static io.taskhub.tck.Fixtures.newInstanceId;
import static io.taskhub.tck.Fixtures.started;
import static io.taskhub.tck.Fixtures.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskhub.ports.errors.LockLostException;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.TaskCompleted;
import io.taskhub.ports.history.TaskFailed;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.ActivityTask;
import io.taskhub.ports.store.ActivityWorkItem;
import io.taskhub.ports.store.Checkpoint;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.Lease;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.OrchestrationWorkItem;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Activity tasks: claimed one at a time under a lease; a result is delivered exactly once. */
public abstract class ActivityContract extends StoreContractSupport {

    /** Creates an instance whose first step scheduled {@code count} activity tasks; returns its start event. */
    private static ExecutionStarted scheduleTasks(OrchestrationStore store, String id, int count) {
        ExecutionStarted started = started("Fanout", null);
        store.createInstance(id, started, Set.of());
        OrchestrationWorkItem item = claimFor(store, id);
        List<ActivityTask> tasks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            tasks.add(task(id, started.executionId(), i));
        }
        store.completeOrchestrationWorkItem(item, new Checkpoint(
                item.instance().toBuilder().runtimeStatus(RuntimeStatus.Running).build(), List.of(started), false,
                tasks, List.of()));
        return started;
    }

    private static InstanceMessage result(ActivityWorkItem item, String value) {
        return InstanceMessage.of(item.task().instanceId(),
                new TaskCompleted(Fixtures.now(), item.task().taskId(), value));
    }

    @Test
    void claimActivity_returnsTheOldestTaskFirstWithItsFields() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        ExecutionStarted started = scheduleTasks(store, id, 3);

        ActivityWorkItem first = store.claimActivityWorkItem(WORKER, LONG_LEASE).orElseThrow();
        ActivityWorkItem second = store.claimActivityWorkItem(WORKER, LONG_LEASE).orElseThrow();
        ActivityWorkItem third = store.claimActivityWorkItem(WORKER, LONG_LEASE).orElseThrow();

        assertThat(first.task()).isEqualTo(task(id, started.executionId(), 0));
        assertThat(List.of(second.task().taskId(), third.task().taskId())).containsExactly(1, 2);
        assertThat(first.dequeueCount()).isEqualTo(1);
        assertThat(first.lease().owner()).isEqualTo(WORKER);
        assertNoActivityWork(store);
    }

    @Test
    void completeActivity_deletesTheTaskAndEnqueuesTheResultExactlyOnce() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        scheduleTasks(store, id, 1);
        ActivityWorkItem item = store.claimActivityWorkItem(WORKER, LONG_LEASE).orElseThrow();

        InstanceMessage charged = result(item, "\"charged\"");

        store.completeActivityWorkItem(item, charged);

        assertThatThrownBy(() -> store.completeActivityWorkItem(item, result(item, "\"again\"")))
                .isInstanceOf(LockLostException.class);
        assertThat(drain(store, id)).containsExactly(charged);
        assertNoActivityWork(store);
        assertNoOrchestrationWork(store);
    }

    @Test
    void completeActivity_withAFailure_enqueuesTheTaskFailed() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        scheduleTasks(store, id, 1);
        ActivityWorkItem item = store.claimActivityWorkItem(WORKER, LONG_LEASE).orElseThrow();
        TaskFailed failed = new TaskFailed(Fixtures.now(), 0, Fixtures.failure());

        store.completeActivityWorkItem(item, InstanceMessage.of(id, failed));

        assertThat(drain(store, id)).extracting(InstanceMessage::event).containsExactly(failed);
    }

    @Test
    void completeActivity_byAStaleHolderAfterAnotherWorkerClaimedTheTask_isRejected() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        scheduleTasks(store, id, 1);
        ActivityWorkItem stale = store.claimActivityWorkItem(WORKER, SHORT_LEASE).orElseThrow();
        ActivityWorkItem current = eventually().until(() -> store.claimActivityWorkItem(OTHER_WORKER, LONG_LEASE),
                Optional::isPresent).get();

        assertThatThrownBy(() -> store.completeActivityWorkItem(stale, result(stale, "\"stale\"")))
                .isInstanceOf(LockLostException.class);
        assertThatThrownBy(() -> store.renewActivityWorkItem(stale, LONG_LEASE))
                .isInstanceOf(LockLostException.class);
        assertNoOrchestrationWork(store);

        store.completeActivityWorkItem(current, result(current, "\"current\""));
        assertThat(current.dequeueCount()).isEqualTo(2);
        assertThat(drain(store, id)).extracting(m -> ((TaskCompleted) m.event()).result())
                .containsExactly("\"current\"");
    }

    @Test
    void completeActivity_afterTheLeaseExpired_isRejected() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        scheduleTasks(store, id, 1);
        ActivityWorkItem item = store.claimActivityWorkItem(WORKER, SHORT_LEASE).orElseThrow();
        waitUntilPast(store, item.lease().expiresAt());

        assertThatThrownBy(() -> store.completeActivityWorkItem(item, result(item, "\"late\"")))
                .isInstanceOf(LockLostException.class);
        assertNoOrchestrationWork(store);
    }

    @Test
    void completeActivity_forAnInstanceThatNoLongerExists_dropsTheResult() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        scheduleTasks(store, id, 1);
        ActivityWorkItem item = store.claimActivityWorkItem(WORKER, LONG_LEASE).orElseThrow();
        String otherId = newInstanceId();

        store.completeActivityWorkItem(item, InstanceMessage.of(otherId, new TaskCompleted(Fixtures.now(), 0, "1")));

        assertThat(store.getInstance(otherId)).isEmpty();
        assertNoActivityWork(store);
        assertNoOrchestrationWork(store);
    }

    @Test
    void renewActivity_extendsTheLease() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        scheduleTasks(store, id, 1);
        ActivityWorkItem item = store.claimActivityWorkItem(WORKER, Duration.ofSeconds(2)).orElseThrow();

        Lease renewed = store.renewActivityWorkItem(item, LONG_LEASE);

        assertThat(renewed.token()).isEqualTo(item.lease().token());
        assertThat(renewed.expiresAt()).isAfter(item.lease().expiresAt());
        waitUntilPast(store, item.lease().expiresAt());
        assertThat(store.claimActivityWorkItem(OTHER_WORKER, LONG_LEASE)).isEmpty();
        store.completeActivityWorkItem(item.withLease(renewed), result(item, "1"));
        assertThat(drain(store, id)).hasSize(1);
    }

    @Test
    void abandonActivity_makesTheTaskVisibleAgainAfterTheDelayWithARaisedDequeueCount() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        scheduleTasks(store, id, 1);
        ActivityWorkItem first = store.claimActivityWorkItem(WORKER, LONG_LEASE).orElseThrow();
        Instant abandonedAt = store.now();

        store.abandonActivityWorkItem(first, Duration.ofMillis(800));

        ActivityWorkItem second = eventually().until(() -> {
            Optional<ActivityWorkItem> claimed = store.claimActivityWorkItem(OTHER_WORKER, LONG_LEASE);
            Instant claimEnded = store.now();
            if (claimed.isPresent() && claimEnded.isBefore(abandonedAt.plusMillis(800))) {
                throw new AssertionError("an abandoned task came back before its retry delay: " + claimEnded);
            }
            return claimed;
        }, Optional::isPresent).get();
        assertThat(second.task()).isEqualTo(first.task());
        assertThat(second.dequeueCount()).isEqualTo(2);
    }

    @Test
    void returnedActivity_isClaimedAgainAtOnce_asTheSameAttempt() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        scheduleTasks(store, id, 1);
        ActivityWorkItem first = store.claimActivityWorkItem(WORKER, LONG_LEASE).orElseThrow();
        store.abandonActivityWorkItem(first, Duration.ZERO);
        ActivityWorkItem second = eventually().until(() -> store.claimActivityWorkItem(WORKER, LONG_LEASE),
                Optional::isPresent).get();

        store.returnActivityWorkItem(second);
        ActivityWorkItem third = eventually().until(() -> store.claimActivityWorkItem(OTHER_WORKER, LONG_LEASE),
                Optional::isPresent).get();

        assertThat(second.dequeueCount()).as("abandoned: counted").isEqualTo(2);
        assertThat(third.dequeueCount()).as("returned: not counted").isEqualTo(2);
        assertThat(third.task()).isEqualTo(first.task());
    }

    @Test
    void abandonActivity_withALongDelay_hidesTheTask() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        scheduleTasks(store, id, 1);
        ActivityWorkItem item = store.claimActivityWorkItem(WORKER, LONG_LEASE).orElseThrow();

        store.abandonActivityWorkItem(item, Duration.ofHours(1));

        assertNoActivityWork(store);
        assertThatThrownBy(() -> store.completeActivityWorkItem(item, result(item, "1")))
                .as("an abandoned work item is no longer held").isInstanceOf(LockLostException.class);
    }

    @Test
    void purgingTheInstance_deletesItsActivityTasks_andFencesOutTheirHolders() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        scheduleTasks(store, id, 2);
        ActivityWorkItem held = store.claimActivityWorkItem(WORKER, LONG_LEASE).orElseThrow();

        assertThat(store.purgeInstance(id, Set.of(RuntimeStatus.Running))).isTrue();

        assertNoActivityWork(store);
        assertThatThrownBy(() -> store.completeActivityWorkItem(held, result(held, "1")))
                .isInstanceOf(LockLostException.class);
        assertThat(store.getInstance(id)).isEmpty();
    }
}
