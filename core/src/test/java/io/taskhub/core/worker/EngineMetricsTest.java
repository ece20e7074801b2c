package io.taskhub.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.core.client.DefaultTaskhubClient;
import io.taskhub.core.memory.InMemoryStorageBackend;
import io.taskhub.core.registry.OrchestrationRegistry;
import io.taskhub.core.telemetry.EngineMetrics;
import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.OrchestrationStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a worker tells its {@link EngineMetrics}, as the orchestrations it runs start, step, call and end. */
class EngineMetricsTest {
    private final InMemoryStorageBackend backend = new InMemoryStorageBackend();
    private final OrchestrationStore store = backend.taskHub("metrics");
    private final OrchestrationRegistry registry = new OrchestrationRegistry()
            .addActivity("Greet", ctx -> "Hello " + ctx.getInput(String.class) + "!")
            .addActivity("Crash", ctx -> {
                throw new IllegalStateException("always");
            })
            .addOrchestrator("Greetings", ctx -> ctx.callActivity("Greet", "Tokyo", String.class).await()
                    + ctx.callActivity("Greet", "Seattle", String.class).await())
            .addOrchestrator("Breaks", ctx -> {
                throw new IllegalArgumentException("no lines");
            })
            .addOrchestrator("Waits", ctx -> ctx.waitForExternalEvent("Go", String.class).await());
    private final DefaultTaskhubClient client = new DefaultTaskhubClient(store, registry);
    private final Recorded recorded = new Recorded();
    private TaskhubWorker worker;

    /** Everything reported, as text, in order. */
    private static final class Recorded implements EngineMetrics {
        final List<String> events = new CopyOnWriteArrayList<>();
        final AtomicInteger steps = new AtomicInteger();
        final AtomicInteger dropped = new AtomicInteger();

        @Override
        public void instanceStarted(String name) {
            events.add("started " + name);
        }

        @Override
        public void instanceFinished(String name, RuntimeStatus status, Duration sinceCreated) {
            events.add("finished " + name + " " + status);
        }

        @Override
        public void stepCommitted(Duration took) {
            steps.incrementAndGet();
        }

        @Override
        public void activityRan(String name, Duration took) {
            events.add("ran " + name);
        }

        @Override
        public void poisoned(String kind) {
            events.add("poisoned " + kind);
        }

        @Override
        public void messagesDropped(int count) {
            dropped.addAndGet(count);
        }
    }

    private void startWorker() {
        worker = new TaskhubWorker(store, registry, WorkerOptions.defaults().withConcurrency(2, 2))
                .withMetrics(recorded).start();
    }

    @AfterEach
    void stop() {
        if (worker != null) {
            worker.stop(Duration.ofSeconds(5));
        }
        backend.close();
    }

    @Test
    void aSequence_isCountedOnceStarted_onceFinished_withEachActivityAndStep() {
        startWorker();
        String id = client.startNew(StartInstanceRequest.of("Greetings", null));
        assertThat(client.waitForCompletion(id, Duration.ofSeconds(30)).orElseThrow().runtimeStatus())
                .isEqualTo(RuntimeStatus.Completed);

        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> recorded.events.contains(
                "finished Greetings Completed"));
        assertThat(recorded.events).containsExactly("started Greetings", "ran Greet", "ran Greet",
                "finished Greetings Completed");
        assertThat(recorded.steps.get()).as("the first step and the one each result brings").isEqualTo(3);
    }

    @Test
    void aFailure_andEventsAfterTheEnd_areCountedAsFailedAndDropped() {
        startWorker();
        String broken = client.startNew(StartInstanceRequest.of("Breaks", null));
        String waiting = client.startNew(StartInstanceRequest.of("Waits", null));
        client.waitForCompletion(broken, Duration.ofSeconds(30));
        client.raiseEvent(waiting, "Go", "\"now\"");
        client.waitForCompletion(waiting, Duration.ofSeconds(30));
        // An event accepted just as the instance ended (the client refuses one after the end; the store does not).
        store.sendMessages(List.of(io.taskhub.ports.store.InstanceMessage.of(waiting,
                new io.taskhub.ports.history.EventRaised(java.time.Instant.now(), "Go", "\"too late\""))));

        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> recorded.dropped.get() == 1);
        assertThat(recorded.events).contains("finished Breaks Failed", "finished Waits Completed");
    }

    @Test
    void anActivityThatKeepsCrashingTheWorker_isCountedAsPoison() {
        // A crash that is not the activity's own failure: an Error, as a worker that dies would leave its task.
        registry.addActivity("Dies", ctx -> {
            throw new OutOfMemoryError("simulated");
        });
        registry.addOrchestrator("CallsDies", ctx -> ctx.callActivity("Dies", null, String.class).await());
        worker = new TaskhubWorker(store, registry, WorkerOptions.defaults().withConcurrency(1, 1).withPoisonLimit(2))
                .withMetrics(recorded).start();
        String id = client.startNew(StartInstanceRequest.of("CallsDies", null));

        assertThat(client.waitForCompletion(id, Duration.ofSeconds(60)).orElseThrow().runtimeStatus())
                .isEqualTo(RuntimeStatus.Failed);
        // Counted right after the commit that ended the instance, so possibly a moment after the wait returned.
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> recorded.events.contains("poisoned activity"));
        assertThat(recorded.events).filteredOn(e -> e.startsWith("poisoned")).as("counted once, when committed")
                .containsExactly("poisoned activity");
    }
}
