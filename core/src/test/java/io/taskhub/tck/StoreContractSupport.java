package io.taskhub.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.OrchestratorCompleted;
import io.taskhub.ports.history.OrchestratorStarted;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.store.Checkpoint;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.OrchestrationWorkItem;
import io.taskhub.ports.store.StorageBackend;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;

/**
 * What every part of the store contract shares: a fresh task hub per test (so tests run in any order and
 * in parallel with other classes), generous waits for slow machines, and helpers that drive a store through
 * the SPI only, so that every backend can run the same tests.
 */
public abstract class StoreContractSupport {
    /** Long enough never to expire during a test, however slow the machine. */
    protected static final Duration LONG_LEASE = Duration.ofMinutes(10);
    /** Short enough for a test to wait out; used only where expiry is the point. */
    protected static final Duration SHORT_LEASE = Duration.ofMillis(700);
    /** The most any single expectation may take before the test fails. */
    protected static final Duration PATIENCE = Duration.ofSeconds(60);
    protected static final String WORKER = "worker-1";
    protected static final String OTHER_WORKER = "worker-2";

    private static final SecureRandom RANDOM = new SecureRandom();
    private final List<OrchestrationStore> taskHubs = new ArrayList<>();

    /** The backend under test; the concrete test class creates it, owns it and closes it. */
    protected abstract StorageBackend backend();

    /**
     * Whether {@code awaitWork} and {@code awaitInstanceChange} are woken by notifications. The SPI allows a
     * backend without notifications to sleep for the whole wait; such a backend overrides this with false
     * and the tests of prompt wake-ups are skipped for it.
     */
    protected boolean supportsPromptWakeUps() {
        return true;
    }

    /** A task hub of its own for the calling test: a letter then hex digits, unique per call. */
    protected OrchestrationStore newTaskHub() {
        byte[] bytes = new byte[10];
        RANDOM.nextBytes(bytes);
        OrchestrationStore store = backend().taskHub("t" + HexFormat.of().formatHex(bytes));
        store.createTaskHubIfNotExists();
        synchronized (taskHubs) {
            taskHubs.add(store);
        }
        return store;
    }

    @AfterEach
    void deleteTaskHubs() {
        synchronized (taskHubs) {
            taskHubs.forEach(OrchestrationStore::deleteTaskHub);
            taskHubs.clear();
        }
    }

    protected static ConditionFactory eventually() {
        return Awaitility.await().atMost(PATIENCE).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20));
    }

    // ---- driving the store -----------------------------------------------------------------------------------

    protected static Optional<OrchestrationWorkItem> tryClaim(OrchestrationStore store) {
        return store.claimOrchestrationWorkItem(WORKER, LONG_LEASE, 100);
    }

    protected static OrchestrationWorkItem claim(OrchestrationStore store) {
        return tryClaim(store).orElseThrow(() -> new AssertionError("expected an orchestration work item"));
    }

    /** Claims and checks that the work item is for {@code instanceId}. */
    protected static OrchestrationWorkItem claimFor(OrchestrationStore store, String instanceId) {
        OrchestrationWorkItem item = claim(store);
        assertThat(item.instanceId()).as("claimed instance").isEqualTo(instanceId);
        return item;
    }

    /** Claims the instance's pending messages and consumes them; returns them in delivery order. */
    protected static List<InstanceMessage> drain(OrchestrationStore store, String instanceId) {
        OrchestrationWorkItem item = claimFor(store, instanceId);
        store.completeOrchestrationWorkItem(item, Checkpoint.consumeOnly());
        return item.messages();
    }

    protected static void assertNoOrchestrationWork(OrchestrationStore store) {
        assertThat(tryClaim(store)).as("claimable orchestration work").isEmpty();
    }

    protected static void assertNoActivityWork(OrchestrationStore store) {
        assertThat(store.claimActivityWorkItem(WORKER, LONG_LEASE)).as("claimable activity work").isEmpty();
    }

    /**
     * Creates an instance, runs its first step and writes the row {@code row} makes of the claimed metadata.
     * The hub must have no other visible messages, so that the claim picks this instance.
     */
    protected static InstanceMetadata createAndCheckpoint(OrchestrationStore store, String instanceId,
            ExecutionStarted started, UnaryOperator<InstanceMetadata.Builder> row) {
        store.createInstance(instanceId, started, Set.of());
        OrchestrationWorkItem item = claimFor(store, instanceId);
        Instant at = Fixtures.now();
        store.completeOrchestrationWorkItem(item, new Checkpoint(row.apply(item.instance().toBuilder()).build(),
                List.of(new OrchestratorStarted(at), started, new OrchestratorCompleted(at)), false, List.of(),
                List.of()));
        return store.getInstance(instanceId).orElseThrow();
    }

    /** Waits until the store's clock has passed {@code moment}. */
    protected static void waitUntilPast(OrchestrationStore store, Instant moment) {
        eventually().until(() -> store.now().isAfter(moment));
    }
}
