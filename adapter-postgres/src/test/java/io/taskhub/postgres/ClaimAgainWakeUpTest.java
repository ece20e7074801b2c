package io.taskhub.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.ports.history.EventRaised;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.store.Checkpoint;
import io.taskhub.ports.store.InstanceClaim;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.NameFilter;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.OrchestrationWorkItem;
import io.taskhub.ports.store.StepCommit;
import io.taskhub.tck.Blocking;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A step committed together with the claim of its instance again leaves nothing to wake anyone for: the messages
 * that came during the step went to the claim, and the holder looks for newer ones when it lets the instance go.
 * (Before, the commit's look for messages that came meanwhile still went out, found the ones the claim had just
 * taken, and woke a waiting worker whose claim found the instance held: in a fan-in, one empty claim per step.)
 */
class ClaimAgainWakeUpTest {
    private static final Duration FOREVER = Duration.ofMinutes(10);

    @RegisterExtension
    static final SchemaPerClass schema = new SchemaPerClass();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void aStepCommittedWithItsInstanceClaimedAgain_wakesNoWaitingWorker() throws Exception {
        // A poll interval far beyond the test: only a notification wakes the waiting worker.
        try (PostgresStorageBackend backend = PostgresStorageBackend.start(
                schema.config().withMaxPollInterval(Duration.ofMinutes(5)))) {
            OrchestrationStore store = backend.taskHub("again" + UUID.randomUUID().toString().substring(0, 8));
            String id = "fan-in";
            store.createInstance(id, new ExecutionStarted(Instant.now(), "FanIn", null, null, "e1", null, null,
                    Map.of()), Set.of());
            OrchestrationWorkItem step = store.claimOrchestrationWorkItem("w", Duration.ofMinutes(1), 1)
                    .orElseThrow();
            AtomicInteger claims = new AtomicInteger();
            Blocking blocking = new Blocking();
            Future<OrchestrationWorkItem> waiting = waitingWorker(store, blocking, claims);
            blocking.untilWaiting();
            assertThat(claims).as("the waiting worker's first claim found the instance held").hasValue(1);
            store.sendMessages(List.of(event(id, "during-the-step")));

            StepCommit committed = store.completeOrchestrationWorkItemAndClaimAgain(step, Checkpoint.consumeOnly(),
                    null, new InstanceClaim("w", Duration.ofMinutes(1), 100, NameFilter.ANY));

            OrchestrationWorkItem next = committed.next().orElseThrow();
            assertThat(next.messages()).extracting(m -> ((EventRaised) m.event()).name())
                    .containsExactly("during-the-step");
            Thread.sleep(1_000); // a wake-up from the commit would have come by now
            assertThat(claims).as("claims of the waiting worker after the commit").hasValue(1);

            store.completeOrchestrationWorkItem(next, Checkpoint.consumeOnly());
            store.sendMessages(List.of(event(id, "after")));
            assertThat(waiting.get(60, TimeUnit.SECONDS).messages())
                    .as("the waiting worker, woken by the next message").extracting(m -> ((EventRaised) m.event())
                            .name()).containsExactly("after");
        }
    }

    /**
     * A waiting worker passes over messages of an instance held right now that are visible already (their holder looks
     * for them when it lets the instance go), but not a timer of such an instance: the holder may let it go before
     * the timer is due, and then only the waiting worker's due time brings it.
     */
    @Test
    void aTimerOfAnInstanceHeldWhenItWasSet_wakesAWaitingWorkerWhenDue() throws Exception {
        try (PostgresStorageBackend backend = PostgresStorageBackend.start(
                schema.config().withMaxPollInterval(Duration.ofMinutes(5)))) {
            OrchestrationStore store = backend.taskHub("timer" + UUID.randomUUID().toString().substring(0, 8));
            String id = "with-timer";
            store.createInstance(id, new ExecutionStarted(Instant.now(), "Timer", null, null, "e1", null, null,
                    Map.of()), Set.of());
            OrchestrationWorkItem step = store.claimOrchestrationWorkItem("w", Duration.ofMinutes(1), 10)
                    .orElseThrow();
            Blocking blocking = new Blocking();
            Future<OrchestrationWorkItem> waiting = waitingWorker(store, blocking, new AtomicInteger());
            blocking.untilWaiting();
            Instant due = Instant.now().plusSeconds(2);
            // Set while the instance is held: the waiting worker looks at when it is due now.
            store.sendMessages(List.of(new InstanceMessage(id, null, new EventRaised(Instant.now(), "timer", null),
                    due)));
            Thread.sleep(300);

            store.completeOrchestrationWorkItem(step, Checkpoint.consumeOnly()); // let go before the timer is due

            assertThat(waiting.get(30, TimeUnit.SECONDS).messages()).extracting(m -> ((EventRaised) m.event())
                    .name()).containsExactly("timer");
        }
    }

    private Future<OrchestrationWorkItem> waitingWorker(OrchestrationStore store, Blocking blocking,
            AtomicInteger claims) {
        return threads.submit(() -> {
            while (true) {
                claims.incrementAndGet();
                Optional<OrchestrationWorkItem> item = store.claimOrchestrationWorkItem("other", Duration.ofMinutes(1),
                        10);
                if (item.isPresent()) {
                    return item.get();
                }
                blocking.aboutToWait();
                store.awaitWork(FOREVER);
            }
        });
    }

    private static InstanceMessage event(String id, String name) {
        return InstanceMessage.of(id, new EventRaised(Instant.now(), name, null));
    }
}
