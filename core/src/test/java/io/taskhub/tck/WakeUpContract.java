package io.taskhub.tck;

import static io.taskhub.tck.Fixtures.delayedEvent;
import static io.taskhub.tck.Fixtures.event;
import static io.taskhub.tck.Fixtures.newInstanceId;
import static io.taskhub.tck.Fixtures.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.Checkpoint;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.OrchestrationWorkItem;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Waiting for work and for instance changes. Waits ask for far longer than the test's patience, and the backend
 * runs this group with any polling of its own set to at least {@link #POLLING_AT_LEAST}
 * ({@link OrchestrationStoreContract#wakeUpBackend()}); a waiter must return within {@link #WAKE_UP_WITHIN} of
 * the change, a third of that, so a test passes only if the store really wakes the waiter, never by a poll.
 */
public abstract class WakeUpContract extends StoreContractSupport {
    /** The least polling interval a backend uses for this group. */
    public static final Duration POLLING_AT_LEAST = Duration.ofSeconds(30);
    /** How soon after the change a woken waiter returns: far below the polling, far above a slow machine. */
    public static final Duration WAKE_UP_WITHIN = Duration.ofSeconds(10);
    private static final Duration FOREVER = Duration.ofMinutes(10);
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    /** A worker's loop: claim, and when there is nothing, wait for work. */
    private Future<OrchestrationWorkItem> worker(OrchestrationStore store, Blocking blocking) {
        return threads.submit(() -> {
            while (true) {
                Optional<OrchestrationWorkItem> item = tryClaim(store);
                if (item.isPresent()) {
                    return item.get();
                }
                blocking.aboutToWait();
                store.awaitWork(FOREVER);
            }
        });
    }

    /** Runs {@code wait} on another thread, announcing through {@code blocking} when it starts waiting. */
    private Future<?> waiter(Blocking blocking, Waiting wait) {
        return threads.submit(() -> {
            blocking.aboutToWait();
            wait.run();
            return null;
        });
    }

    private interface Waiting {
        void run() throws InterruptedException;
    }

    private static <T> T within(Future<T> future) throws Exception {
        return future.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    /** Waits for {@code future} and requires that it finished within {@link #WAKE_UP_WITHIN} of {@code since}. */
    private static <T> T wokenWithin(Future<T> future, long sinceNanos) throws Exception {
        T result = within(future);
        Duration took = Duration.ofNanos(System.nanoTime() - sinceNanos);
        assertThat(took).as("the waiter returned %s after the change; polling alone takes %s", took,
                POLLING_AT_LEAST).isLessThan(WAKE_UP_WITHIN);
        return result;
    }

    private static String idleInstance(OrchestrationStore store) {
        String id = newInstanceId();
        store.createInstance(id, started("Waiting", null), Set.of());
        drain(store, id);
        return id;
    }

    @Test
    void awaitWork_wakesAWaitingWorkerWhenAMessageIsSentFromAnotherThread() throws Exception {
        assumeTrue(supportsPromptWakeUps(), "the backend has no wake-up notifications");
        OrchestrationStore store = newTaskHub();
        String id = idleInstance(store);
        Blocking blocking = new Blocking();
        Future<OrchestrationWorkItem> worker = worker(store, blocking);
        blocking.untilWaiting();

        long sent = System.nanoTime();
        store.sendMessages(List.of(event(id, "ping")));

        assertThat(wokenWithin(worker, sent).messages()).extracting(Fixtures::label).containsExactly("ping");
    }

    @Test
    void awaitWork_wakesAWaitingWorkerWhenADelayedMessageBecomesVisible() throws Exception {
        assumeTrue(supportsPromptWakeUps(), "the backend has no wake-up notifications");
        OrchestrationStore store = newTaskHub();
        String id = idleInstance(store);
        Instant visibleAt = store.now().plusMillis(1500);
        long due = System.nanoTime() + Duration.ofMillis(1500).toNanos();
        store.sendMessages(List.of(delayedEvent(id, "timer", visibleAt)));

        OrchestrationWorkItem item = wokenWithin(worker(store, new Blocking()), due);

        assertThat(item.messages()).extracting(Fixtures::label).containsExactly("timer");
        assertThat(store.now()).isAfterOrEqualTo(visibleAt);
    }

    /** The wait already knew when the next work was due (nothing): a message sent later must change that. */
    @Test
    void awaitWork_wakesAWaitingWorkerWhenADelayedMessageSentWhileItWaitsBecomesVisible() throws Exception {
        assumeTrue(supportsPromptWakeUps(), "the backend has no wake-up notifications");
        OrchestrationStore store = newTaskHub();
        String id = idleInstance(store);
        Blocking blocking = new Blocking();
        Future<OrchestrationWorkItem> worker = worker(store, blocking);
        blocking.untilWaiting();

        Instant visibleAt = store.now().plusMillis(1500);
        long due = System.nanoTime() + Duration.ofMillis(1500).toNanos();
        store.sendMessages(List.of(delayedEvent(id, "timer", visibleAt)));

        assertThat(wokenWithin(worker, due).messages()).extracting(Fixtures::label).containsExactly("timer");
        assertThat(store.now()).isAfterOrEqualTo(visibleAt);
    }

    @Test
    void awaitWork_wakesAWaitingWorkerWhenAnotherWorkerReleasesAnInstanceWithPendingMessages() throws Exception {
        assumeTrue(supportsPromptWakeUps(), "the backend has no wake-up notifications");
        OrchestrationStore store = newTaskHub();
        String id = idleInstance(store);
        store.sendMessages(List.of(event(id, "first")));
        OrchestrationWorkItem held = claimFor(store, id);
        store.sendMessages(List.of(event(id, "second")));
        Blocking blocking = new Blocking();
        Future<OrchestrationWorkItem> worker = worker(store, blocking);
        blocking.untilWaiting();

        long released = System.nanoTime();
        store.completeOrchestrationWorkItem(held, Checkpoint.consumeOnly());

        assertThat(wokenWithin(worker, released).messages()).extracting(Fixtures::label).containsExactly("second");
    }

    @Test
    void awaitWork_withNothingToDo_returnsAfterMaxWait() throws Exception {
        OrchestrationStore store = newTaskHub();

        Future<?> waiter = waiter(new Blocking(), () -> store.awaitWork(Duration.ofMillis(200)));

        assertThat(waiter).succeedsWithin(PATIENCE);
    }

    @Test
    void awaitInstanceChange_wakesWhenTheInstanceIsCheckpointed() throws Exception {
        assumeTrue(supportsPromptWakeUps(), "the backend has no wake-up notifications");
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        store.createInstance(id, started("Waiting", null), Set.of());
        OrchestrationWorkItem item = claimFor(store, id);
        long revision = item.instance().revision();
        Blocking blocking = new Blocking();
        Future<?> waiter = waiter(blocking, () -> store.awaitInstanceChange(id, revision, FOREVER));
        blocking.untilWaiting();

        long committed = System.nanoTime();
        store.completeOrchestrationWorkItem(item, new Checkpoint(
                item.instance().toBuilder().runtimeStatus(RuntimeStatus.Running).build(), List.of(), false,
                List.of(), List.of()));

        wokenWithin(waiter, committed);
        assertThat(store.getInstance(id).orElseThrow().revision()).isNotEqualTo(revision);
    }

    @Test
    void awaitInstanceChange_wakesWhenTheInstanceIsPurged() throws Exception {
        assumeTrue(supportsPromptWakeUps(), "the backend has no wake-up notifications");
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        store.createInstance(id, started("Waiting", null), Set.of());
        long revision = store.getInstance(id).orElseThrow().revision();
        Blocking blocking = new Blocking();
        Future<?> waiter = waiter(blocking, () -> store.awaitInstanceChange(id, revision, FOREVER));
        blocking.untilWaiting();

        long purged = System.nanoTime();
        assertThat(store.purgeInstance(id, Set.of(RuntimeStatus.Pending))).isTrue();

        wokenWithin(waiter, purged);
    }

    @Test
    void awaitInstanceChange_returnsAtOnceWhenTheRevisionAlreadyDiffersOrTheInstanceIsMissing() throws Exception {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        store.createInstance(id, started("Waiting", null), Set.of());
        InstanceMetadata m = store.getInstance(id).orElseThrow();

        Future<?> stale = waiter(new Blocking(), () -> store.awaitInstanceChange(id, m.revision() - 1, FOREVER));
        Future<?> missing = waiter(new Blocking(), () -> store.awaitInstanceChange("missing", 0, FOREVER));

        assertThat(stale).succeedsWithin(PATIENCE);
        assertThat(missing).succeedsWithin(PATIENCE);
    }

    @Test
    void awaitInstanceChange_withoutAChange_returnsAfterMaxWait() throws Exception {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        store.createInstance(id, started("Waiting", null), Set.of());
        long revision = store.getInstance(id).orElseThrow().revision();

        Future<?> waiter = waiter(new Blocking(),
                () -> store.awaitInstanceChange(id, revision, Duration.ofMillis(200)));

        assertThat(waiter).succeedsWithin(PATIENCE);
        assertThat(store.getInstance(id).orElseThrow().revision()).isEqualTo(revision);
    }
}
