package io.taskhub.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.core.client.DefaultTaskhubClient;
import io.taskhub.core.memory.InMemoryStorageBackend;
import io.taskhub.core.registry.OrchestrationRegistry;
import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.OrchestrationStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A long-running instance is kept live in the worker's memory: its history is read and its code entered once,
 * not once per step (which would make long sequences quadratic). Without the cache, every step replays.
 */
class SessionCacheTest {
    private static final int STEPS = 60;

    @Test
    void cachedInstance_isNotReReadNorReplayedAtEveryStep() {
        Counts counts = run(WorkerOptions.defaults().withConcurrency(1, 2));
        // Once at the first step. Rarely once or twice more: an activity claimed (not handed over) can finish and
        // bring its step while the step that scheduled it is still putting the session back; that step replays.
        // Without the cache it is once per step (60).
        assertThat(counts.historyReads).as("history reads").hasValueLessThanOrEqualTo(3);
        assertThat(counts.codeEntries).as("orchestrator code entered").hasValueLessThanOrEqualTo(3);
    }

    @Test
    void withoutTheCache_everyStepReplaysFromStoredHistory() {
        Counts counts = run(WorkerOptions.defaults().withConcurrency(1, 2).withMaxCachedInstances(0));
        assertThat(counts.historyReads.get()).isGreaterThanOrEqualTo(STEPS);
        assertThat(counts.codeEntries.get()).isGreaterThanOrEqualTo(STEPS);
    }

    private record Counts(AtomicInteger historyReads, AtomicInteger codeEntries) {
    }

    private static Counts run(WorkerOptions options) {
        Counts counts = new Counts(new AtomicInteger(), new AtomicInteger());
        OrchestrationRegistry registry = new OrchestrationRegistry()
                .addActivity("Next", ctx -> ctx.getInput(Integer.class) + 1)
                .addOrchestrator("Sequence", ctx -> {
                    counts.codeEntries.incrementAndGet();
                    int value = 0;
                    for (int i = 0; i < STEPS; i++) {
                        value = ctx.callActivity("Next", value, Integer.class).await();
                    }
                    return value;
                });
        try (InMemoryStorageBackend backend = new InMemoryStorageBackend()) {
            OrchestrationStore store = countingHistoryReads(backend.taskHub("cache"), counts.historyReads);
            TaskhubWorker worker = new TaskhubWorker(store, registry, options).start();
            try {
                String id = new DefaultTaskhubClient(store, registry).startNew(StartInstanceRequest.of("Sequence", null));
                InstanceMetadata done = new DefaultTaskhubClient(store, registry)
                        .waitForCompletion(id, Duration.ofSeconds(60)).orElseThrow();
                assertThat(done.runtimeStatus()).isEqualTo(RuntimeStatus.Completed);
                assertThat(done.output()).isEqualTo(String.valueOf(STEPS));
            } finally {
                worker.stop(Duration.ofSeconds(5));
            }
        }
        return counts;
    }

    private static OrchestrationStore countingHistoryReads(OrchestrationStore real, AtomicInteger reads) {
        return (OrchestrationStore) Proxy.newProxyInstance(OrchestrationStore.class.getClassLoader(),
                new Class<?>[] {OrchestrationStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getHistory")) {
                        reads.incrementAndGet();
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
