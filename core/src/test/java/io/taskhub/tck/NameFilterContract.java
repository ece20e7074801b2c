package io.taskhub.tck;

import static io.taskhub.tck.Fixtures.newInstanceId;
import static io.taskhub.tck.Fixtures.started;
import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.ActivityTask;
import io.taskhub.ports.store.ActivityWorkItem;
import io.taskhub.ports.store.Checkpoint;
import io.taskhub.ports.store.NameFilter;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.OrchestrationWorkItem;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Claims take only the names their filter accepts (case-insensitively): a worker never gets work it cannot run,
 * and what it passes over keeps its attempt count for a worker that has the name.
 */
public abstract class NameFilterContract extends StoreContractSupport {

    /** Claims with {@code names} until something comes (a store may hand passed-over work back a little later). */
    private static OrchestrationWorkItem claimNamed(OrchestrationStore store, NameFilter names) {
        AtomicReference<OrchestrationWorkItem> claimed = new AtomicReference<>();
        eventually().until(() -> {
            Optional<OrchestrationWorkItem> item = store.claimOrchestrationWorkItem(WORKER, LONG_LEASE, 100, names);
            item.ifPresent(claimed::set);
            return item.isPresent();
        });
        return claimed.get();
    }

    private static ActivityWorkItem claimTask(OrchestrationStore store, NameFilter names) {
        AtomicReference<ActivityWorkItem> claimed = new AtomicReference<>();
        eventually().until(() -> {
            Optional<ActivityWorkItem> item = store.claimActivityWorkItem(WORKER, LONG_LEASE, names);
            item.ifPresent(claimed::set);
            return item.isPresent();
        });
        return claimed.get();
    }

    @Test
    void orchestrationClaims_takeOnlyAcceptedNames_andLeaveTheRestUncounted() {
        OrchestrationStore store = newTaskHub();
        String order = newInstanceId();
        String refund = newInstanceId();
        store.createInstance(order, started("Order", null), Set.of());
        store.createInstance(refund, started("Refund", null), Set.of());

        assertThat(store.claimOrchestrationWorkItem(WORKER, LONG_LEASE, 100, NameFilter.only(List.of("Shipping"))))
                .as("no instance of a name the worker runs").isEmpty();
        assertThat(store.claimOrchestrationWorkItem(WORKER, LONG_LEASE, 100,
                NameFilter.except(List.of("order", "refund")))).as("every name excluded").isEmpty();
        // Both are free: each filter picks its own, though Order is older (the first any claim would take).
        OrchestrationWorkItem onlyRefund = claimNamed(store, NameFilter.only(List.of("REFUND")));
        assertThat(onlyRefund.instanceId()).isEqualTo(refund);
        assertThat(onlyRefund.dequeueCount()).as("passed over before: not an attempt").isEqualTo(1);
        store.abandonOrchestrationWorkItem(onlyRefund, java.time.Duration.ZERO);

        OrchestrationWorkItem notRefund = claimNamed(store, NameFilter.except(List.of("refund")));
        assertThat(notRefund.instanceId()).isEqualTo(order);
        assertThat(notRefund.dequeueCount()).as("passed over before: not an attempt").isEqualTo(1);
    }

    @Test
    void activityClaims_takeOnlyAcceptedNames_andLeaveTheRestUncounted() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        ExecutionStarted started = started("Shop", null);
        store.createInstance(id, started, Set.of());
        OrchestrationWorkItem item = claimFor(store, id);
        store.completeOrchestrationWorkItem(item, new Checkpoint(
                item.instance().toBuilder().runtimeStatus(RuntimeStatus.Running).build(), List.of(started), false,
                List.of(new ActivityTask(id, started.executionId(), 0, "Charge", null),
                        new ActivityTask(id, started.executionId(), 1, "Ship", null)), List.of()));

        assertThat(store.claimActivityWorkItem(WORKER, LONG_LEASE, NameFilter.only(List.of("Refund")))).isEmpty();
        // Both are free: the exclusion passes over Charge, the older, and takes Ship.
        ActivityWorkItem notCharge = claimTask(store, NameFilter.except(List.of("charge")));
        assertThat(notCharge.task().name()).isEqualTo("Ship");
        assertThat(notCharge.dequeueCount()).as("nothing passed over it: its first attempt").isEqualTo(1);

        ActivityWorkItem charge = claimTask(store, NameFilter.only(List.of("CHARGE")));
        assertThat(charge.task().name()).isEqualTo("Charge");
        assertThat(charge.dequeueCount()).as("passed over before: not an attempt").isEqualTo(1);
    }

    @Test
    void anEmptyExclusion_acceptsEveryName() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        store.createInstance(id, started("Anything", null), Set.of());

        assertThat(claimNamed(store, NameFilter.except(List.of())).instanceId()).isEqualTo(id);
    }
}
