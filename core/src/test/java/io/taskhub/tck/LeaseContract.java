package io.taskhub.tck;

import static io.taskhub.tck.Fixtures.event;
import static io.taskhub.tck.Fixtures.newInstanceId;
import static io.taskhub.tck.Fixtures.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskhub.ports.errors.LockLostException;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.history.OrchestratorStarted;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.Checkpoint;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.Lease;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.OrchestrationWorkItem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One worker per instance at a time: claims are exclusive, leases expire, and lost leases cannot commit. */
public abstract class LeaseContract extends StoreContractSupport {

    @Test
    void claim_whileAnotherWorkerHoldsTheInstance_returnsNothing() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        store.createInstance(id, started("Orders", null), Set.of());
        claimFor(store, id);

        store.sendMessages(List.of(event(id, "arrivedWhileHeld")));

        assertThat(store.claimOrchestrationWorkItem(OTHER_WORKER, LONG_LEASE, 100)).isEmpty();
    }

    /**
     * A message that waited while its instance was held is delivered as a first attempt, however often other
     * claims looked at it meanwhile (a store that receives messages ahead of time, as Azure Storage does, must not
     * count the receipts that lapsed while the message waited): waiting is not failing, and the poison limit
     * counts failures.
     */
    @Test
    void messageThatWaitedWhileItsInstanceWasHeld_isDeliveredAsAFirstAttempt() throws InterruptedException {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        store.createInstance(id, started("Orders", null), Set.of());
        Duration shortLease = Duration.ofSeconds(2);
        OrchestrationWorkItem held = store.claimOrchestrationWorkItem(WORKER, shortLease, 100).orElseThrow();
        store.sendMessages(List.of(event(id, "arrivedWhileHeld")));

        // Two and a half lease lengths of claims that find the instance held, its holder renewing around each.
        long until = System.nanoTime() + Duration.ofMillis(5_000).toNanos();
        while (System.nanoTime() < until) {
            store.renewOrchestrationWorkItem(held, shortLease);
            assertThat(store.claimOrchestrationWorkItem(OTHER_WORKER, shortLease, 100)).isEmpty();
            store.renewOrchestrationWorkItem(held, shortLease);
            Thread.sleep(150);
        }
        store.completeOrchestrationWorkItem(held, Checkpoint.consumeOnly());

        // A store that let the message's receipt lapse meanwhile may need a moment for it to come back.
        OrchestrationWorkItem next = eventually().until(() -> tryClaim(store), Optional::isPresent).get();
        assertThat(next.instanceId()).isEqualTo(id);
        assertThat(next.messages()).extracting(Fixtures::label).containsExactly("arrivedWhileHeld");
        assertThat(next.dequeueCount()).isEqualTo(1);
    }

    @Test
    void claim_returnsALeaseForTheOwnerWithTheRequestedDuration() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        store.createInstance(id, started("Orders", null), Set.of());

        var before = store.now();
        OrchestrationWorkItem item = store.claimOrchestrationWorkItem(WORKER, Duration.ofMinutes(3), 10).orElseThrow();
        var after = store.now();

        assertThat(item.lease().owner()).isEqualTo(WORKER);
        assertThat(item.lease().token()).isNotBlank();
        assertThat(item.lease().expiresAt()).isBetween(before.plus(Duration.ofMinutes(3)).minusMillis(1),
                after.plus(Duration.ofMinutes(3)).plusMillis(1));
    }

    @Test
    void claim_byManyConcurrentWorkers_neverHandsOneInstanceToTwoWorkersAndDeliversEachMessageOnce()
            throws Exception {
        OrchestrationStore store = newTaskHub();
        int instances = 50;
        int eventsPerInstance = 3;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            String id = "conc-" + i;
            ids.add(id);
            store.createInstance(id, started("Orders", null), Set.of());
        }
        int expected = instances * (1 + eventsPerInstance);
        Map<String, String> holders = new ConcurrentHashMap<>();
        List<String> overlaps = Collections.synchronizedList(new ArrayList<>());
        List<String> delivered = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger deliveredCount = new AtomicInteger();
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(9);
        try {
            // Events arrive while the workers run, so some land in inboxes of claimed instances.
            Future<?> sender = pool.submit(() -> {
                for (int e = 0; e < eventsPerInstance; e++) {
                    for (String id : ids) {
                        store.sendMessages(List.of(event(id, id + "/e" + e)));
                    }
                }
            });
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                String owner = "worker-" + w;
                workers.add(pool.submit(() -> {
                    while (deliveredCount.get() < expected && System.nanoTime() < deadline) {
                        Optional<OrchestrationWorkItem> claimed =
                                store.claimOrchestrationWorkItem(owner, LONG_LEASE, 2);
                        if (claimed.isEmpty()) {
                            store.awaitWork(Duration.ofMillis(50));
                            continue;
                        }
                        OrchestrationWorkItem item = claimed.get();
                        String previous = holders.putIfAbsent(item.instanceId(), owner);
                        if (previous != null) {
                            overlaps.add(item.instanceId() + " held by " + previous + " and " + owner);
                        }
                        for (InstanceMessage m : item.messages()) {
                            delivered.add(m.instanceId() + "/" + Fixtures.label(m));
                        }
                        Thread.yield();
                        holders.remove(item.instanceId(), owner);
                        deliveredCount.addAndGet(item.messages().size());
                        store.completeOrchestrationWorkItem(item, Checkpoint.consumeOnly());
                    }
                    return null;
                }));
            }
            sender.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            for (Future<?> worker : workers) {
                worker.get(PATIENCE.toSeconds() + 5, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(overlaps).as("instances held by two workers at once").isEmpty();
        assertThat(delivered).as("every message exactly once").hasSize(expected).doesNotHaveDuplicates();
        assertNoOrchestrationWork(store);
    }

    @Test
    void expiredLease_letsAnotherWorkerClaimTheSameMessages() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        store.createInstance(id, started("Orders", null), Set.of());
        OrchestrationWorkItem first = store.claimOrchestrationWorkItem(WORKER, SHORT_LEASE, 10).orElseThrow();

        OrchestrationWorkItem second = reclaimAfterExpiry(store);

        assertThat(second.instanceId()).isEqualTo(id);
        assertThat(second.messages()).isEqualTo(first.messages());
        assertThat(second.lease().token()).isNotEqualTo(first.lease().token());
        assertThat(second.dequeueCount()).isEqualTo(2);
    }

    @Test
    void returnedWorkItem_isClaimedAgainAtOnce_asTheSameAttempt() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        store.createInstance(id, started("Orders", null), Set.of());
        OrchestrationWorkItem first = claimFor(store, id);
        store.abandonOrchestrationWorkItem(first, Duration.ZERO);
        OrchestrationWorkItem second = eventually().until(() -> tryClaim(store), Optional::isPresent).get();

        store.returnOrchestrationWorkItem(second);
        OrchestrationWorkItem third = eventually().until(() -> tryClaim(store), Optional::isPresent).get();

        assertThat(second.dequeueCount()).as("abandoned: counted").isEqualTo(2);
        assertThat(third.dequeueCount()).as("returned: not counted").isEqualTo(2);
        assertThat(third.messages()).isEqualTo(first.messages());
    }

    @Test
    void complete_byAStaleLeaseHolderAfterAnotherWorkerClaimed_isRejectedAndChangesNothing() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        store.createInstance(id, started("Orders", null), Set.of());
        OrchestrationWorkItem stale = store.claimOrchestrationWorkItem(WORKER, SHORT_LEASE, 10).orElseThrow();
        InstanceMetadata before = store.getInstance(id).orElseThrow();
        OrchestrationWorkItem current = reclaimAfterExpiry(store);

        assertThatThrownBy(() -> store.completeOrchestrationWorkItem(stale, runningStep(stale)))
                .isInstanceOf(LockLostException.class);

        assertThat(store.getInstance(id)).contains(before);
        assertThat(store.getHistory(id)).isEmpty();
        store.completeOrchestrationWorkItem(current, runningStep(current));
        assertThat(store.getInstance(id).orElseThrow().runtimeStatus()).isEqualTo(RuntimeStatus.Running);
    }

    @Test
    void complete_afterTheLeaseExpired_isRejectedEvenIfNobodyElseClaimed() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        store.createInstance(id, started("Orders", null), Set.of());
        OrchestrationWorkItem item = store.claimOrchestrationWorkItem(WORKER, SHORT_LEASE, 10).orElseThrow();
        waitUntilPast(store, item.lease().expiresAt());

        assertThatThrownBy(() -> store.completeOrchestrationWorkItem(item, runningStep(item)))
                .isInstanceOf(LockLostException.class);

        assertThat(store.getHistory(id)).isEmpty();
        assertThat(claimFor(store, id).messages()).as("messages not consumed").isEqualTo(item.messages());
    }

    @Test
    void renew_extendsTheLeaseSoNoOtherWorkerCanClaim() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        store.createInstance(id, started("Orders", null), Set.of());
        OrchestrationWorkItem item = store.claimOrchestrationWorkItem(WORKER, Duration.ofSeconds(2), 10).orElseThrow();

        Lease renewed = store.renewOrchestrationWorkItem(item, LONG_LEASE);

        assertThat(renewed.owner()).isEqualTo(item.lease().owner());
        assertThat(renewed.token()).isEqualTo(item.lease().token());
        assertThat(renewed.expiresAt()).isAfter(item.lease().expiresAt());
        waitUntilPast(store, item.lease().expiresAt());
        assertThat(store.claimOrchestrationWorkItem(OTHER_WORKER, LONG_LEASE, 10)).isEmpty();
        store.completeOrchestrationWorkItem(item.withLease(renewed), runningStep(item));
        assertThat(store.getHistory(id)).hasSize(1);
    }

    @Test
    void renew_afterAnotherWorkerTookTheInstanceOver_throwsLockLost() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        store.createInstance(id, started("Orders", null), Set.of());
        OrchestrationWorkItem stale = store.claimOrchestrationWorkItem(WORKER, SHORT_LEASE, 10).orElseThrow();
        reclaimAfterExpiry(store);

        assertThatThrownBy(() -> store.renewOrchestrationWorkItem(stale, LONG_LEASE))
                .isInstanceOf(LockLostException.class);
    }

    @Test
    void renew_afterThePurgeOfTheInstance_throwsLockLost() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        store.createInstance(id, started("Orders", null), Set.of());
        OrchestrationWorkItem item = claimFor(store, id);
        assertThat(store.purgeInstance(id, Set.of(RuntimeStatus.Pending))).isTrue();

        assertThatThrownBy(() -> store.renewOrchestrationWorkItem(item, LONG_LEASE))
                .isInstanceOf(LockLostException.class);
        assertThatThrownBy(() -> store.completeOrchestrationWorkItem(item, runningStep(item)))
                .isInstanceOf(LockLostException.class);
        assertThat(store.getInstance(id)).isEmpty();
    }

    /** Waits for the only claimable work to be claimable again and claims it as the other worker. */
    private static OrchestrationWorkItem reclaimAfterExpiry(OrchestrationStore store) {
        return eventually().until(() -> store.claimOrchestrationWorkItem(OTHER_WORKER, LONG_LEASE, 10),
                Optional::isPresent).orElseThrow();
    }

    private static Checkpoint runningStep(OrchestrationWorkItem item) {
        List<HistoryEvent> history = List.of(new OrchestratorStarted(Fixtures.now()));
        return new Checkpoint(item.instance().toBuilder().runtimeStatus(RuntimeStatus.Running).build(), history,
                false, List.of(), List.of());
    }
}
