package io.taskhub.core.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskhub.ports.errors.LockLostException;
import io.taskhub.ports.history.EventRaised;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.ActivityTask;
import io.taskhub.ports.store.Checkpoint;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.OrchestrationWorkItem;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** What the in-memory store promises beyond the store contract: exact revisions, its clock, its wake-ups. */
class InMemoryStoreTest {
    private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Duration LEASE = Duration.ofMinutes(1);

    private final MutableClock clock = new MutableClock(START);
    private final InMemoryStore store = new InMemoryStore("memoryTest", clock);

    private static ExecutionStarted started(String executionId) {
        return new ExecutionStarted(START, "Orchestrator", null, null, executionId, null, null, Map.of());
    }

    private static InstanceMessage event(String instanceId, String name, Instant visibleAt) {
        return new InstanceMessage(instanceId, null, new EventRaised(START, name, null), visibleAt);
    }

    private Optional<OrchestrationWorkItem> claim(String owner) {
        return store.claimOrchestrationWorkItem(owner, LEASE, 10);
    }

    @Test
    void revision_startsAtOneAndGrowsByOneWithEveryChange() {
        store.createInstance("a", started("e1"), Set.of());
        assertThat(store.getInstance("a").orElseThrow().revision()).isEqualTo(1);

        OrchestrationWorkItem item = claim("w").orElseThrow();
        store.completeOrchestrationWorkItem(item, new Checkpoint(
                item.instance().toBuilder().runtimeStatus(RuntimeStatus.Completed).build(), List.of(), false,
                List.of(), List.of()));
        assertThat(store.getInstance("a").orElseThrow().revision()).isEqualTo(2);

        store.sendMessages(List.of(event("a", "dup", null)));
        store.completeOrchestrationWorkItem(claim("w").orElseThrow(), Checkpoint.consumeOnly());
        assertThat(store.getInstance("a").orElseThrow().revision()).as("nothing changed").isEqualTo(2);

        store.createInstance("a", started("e2"), Set.of(RuntimeStatus.Completed));
        assertThat(store.getInstance("a").orElseThrow().revision()).as("replaced").isEqualTo(3);
    }

    @Test
    void revision_ofAnInstanceCreatedAgainAfterAPurge_isAboveEveryEarlierRevision() {
        store.createInstance("a", started("e1"), Set.of());
        for (int i = 0; i < 3; i++) {
            store.sendMessages(List.of(event("a", "step" + i, null)));
            OrchestrationWorkItem item = claim("w").orElseThrow();
            store.completeOrchestrationWorkItem(item, new Checkpoint(item.instance(), List.of(), false, List.of(),
                    List.of()));
        }
        long purgedRevision = store.getInstance("a").orElseThrow().revision();
        assertThat(store.purgeInstance("a", Set.of(RuntimeStatus.Pending))).isTrue();

        store.createInstance("a", started("e2"), Set.of());

        assertThat(store.getInstance("a").orElseThrow().revision()).isGreaterThan(purgedRevision);
    }

    @Test
    void visibility_followsTheStoresClock() {
        store.createInstance("a", started("e1"), Set.of());
        store.completeOrchestrationWorkItem(claim("w").orElseThrow(), Checkpoint.consumeOnly());
        store.sendMessages(List.of(event("a", "timer", START.plus(Duration.ofHours(1)))));

        clock.advance(Duration.ofMinutes(59));
        assertThat(claim("w")).isEmpty();

        clock.advance(Duration.ofMinutes(1));
        assertThat(claim("w")).isPresent();
    }

    @Test
    void leases_expireByTheStoresClock() {
        store.createInstance("a", started("e1"), Set.of());
        OrchestrationWorkItem first = claim("w1").orElseThrow();
        assertThat(first.lease().expiresAt()).isEqualTo(START.plus(LEASE));

        clock.advance(LEASE.minusMillis(1));
        assertThat(claim("w2")).isEmpty();

        clock.advance(Duration.ofMillis(1));
        assertThat(claim("w2")).isPresent();
        assertThatThrownBy(() -> store.completeOrchestrationWorkItem(first, Checkpoint.consumeOnly()))
                .isInstanceOf(LockLostException.class);
    }

    @Test
    void activityVisibility_afterAbandon_followsTheStoresClock() {
        store.createInstance("a", started("e1"), Set.of());
        OrchestrationWorkItem item = claim("w").orElseThrow();
        store.completeOrchestrationWorkItem(item, new Checkpoint(null, List.of(), false,
                List.of(new ActivityTask("a", "e1", 0, "A", null)), List.of()));
        store.abandonActivityWorkItem(store.claimActivityWorkItem("w", LEASE).orElseThrow(), Duration.ofSeconds(30));

        clock.advance(Duration.ofSeconds(29));
        assertThat(store.claimActivityWorkItem("w", LEASE)).isEmpty();

        clock.advance(Duration.ofSeconds(1));
        assertThat(store.claimActivityWorkItem("w", LEASE).orElseThrow().dequeueCount()).isEqualTo(2);
    }

    @Test
    void awaitWork_afterAnEmptyClaim_returnsAtOnceForWorkThatArrivedInBetween() {
        OrchestrationStore real = new InMemoryStore("memoryWakeups");
        real.createInstance("a", started("e1"), Set.of());
        real.completeOrchestrationWorkItem(real.claimOrchestrationWorkItem("w", LEASE, 10).orElseThrow(),
                Checkpoint.consumeOnly());

        // One thread, as a worker's loop: the message lands between its empty claim and its wait.
        CompletableFuture<Optional<OrchestrationWorkItem>> worker = CompletableFuture.supplyAsync(() -> {
            assertThat(real.claimOrchestrationWorkItem("w", LEASE, 10)).isEmpty();
            real.sendMessages(List.of(event("a", "inBetween", null)));
            try {
                real.awaitWork(Duration.ofMinutes(10));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return real.claimOrchestrationWorkItem("w", LEASE, 10);
        });

        assertThat(worker).succeedsWithin(PATIENCE).satisfies(item -> assertThat(item).isPresent());
    }

    @Test
    void awaitWork_calledAgainWithoutAClaim_waitsForNewerWork() throws InterruptedException {
        OrchestrationStore real = new InMemoryStore("memoryWakeups");
        assertThat(real.claimOrchestrationWorkItem("w", LEASE, 10)).isEmpty();
        real.createInstance("a", started("e1"), Set.of());
        real.awaitWork(Duration.ofMinutes(10)); // returns at once: work arrived since the claim

        long before = System.nanoTime();
        real.awaitWork(Duration.ofMillis(300));
        long waitedMillis = (System.nanoTime() - before) / 1_000_000;

        assertThat(waitedMillis).as("no busy loop: the second wait is a real wait").isGreaterThanOrEqualTo(250);
    }

    @Test
    void backend_cachesOneStorePerTaskHub_andForgetsThemWhenClosed() {
        InMemoryStorageBackend backend = new InMemoryStorageBackend(clock);
        OrchestrationStore hub = backend.taskHub("hubOne");

        assertThat(backend.name()).isEqualTo("memory");
        assertThat(backend.taskHub("hubOne")).isSameAs(hub);
        assertThat(backend.taskHub("hubTwo")).isNotSameAs(hub);
        assertThat(hub.now()).isEqualTo(START);

        backend.close();
        assertThatThrownBy(() -> backend.taskHub("hubOne")).isInstanceOf(IllegalStateException.class);
    }
}
