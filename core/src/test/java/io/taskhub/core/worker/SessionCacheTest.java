package io.taskhub.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.core.client.DefaultTaskhubClient;
import io.taskhub.core.memory.InMemoryStorageBackend;
import io.taskhub.core.registry.OrchestrationRegistry;
import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.orchestration.DurableTask;
import io.taskhub.ports.store.OrchestrationStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A long-running instance is kept live in the worker's memory: its history is read and its code entered once,
 * not once per step (which would make long sequences quadratic). Without the cache, every step replays.
 */
class SessionCacheTest {
    private static final int STEPS = 60;

    @Test
    void cachedInstance_isNotReReadNorReplayedAtEveryStep() {
        Counts counts = run(WorkerOptions.defaults().withConcurrency(1, 2), sequence());
        // Once, at the first step (without the cache it is once per step: 60). An activity that finishes while the
        // step that scheduled it is still putting the session back waits for it rather than replaying.
        assertThat(counts.historyReads).as("history reads").hasValue(1);
        assertThat(counts.codeEntries).as("orchestrator code entered").hasValue(1);
    }

    @Test
    void aFanIn_whoseResultsKeepArriving_isNotReplayed_betweenItsSteps() {
        // Results arrive while each step runs; the claim of the next one comes the moment the step's commit ends
        // its lease, before its session is back in the cache: it waits for the session instead of replaying.
        Counts counts = run(WorkerOptions.defaults().withConcurrency(4, 8), fanOut(400));
        assertThat(counts.historyReads).as("history reads").hasValue(1);
        assertThat(counts.codeEntries).as("orchestrator code entered").hasValue(1);
    }

    @Test
    void withoutTheCache_everyStepReplaysFromStoredHistory() {
        Counts counts = run(WorkerOptions.defaults().withConcurrency(1, 2).withMaxCachedInstances(0), sequence());
        assertThat(counts.historyReads.get()).isGreaterThanOrEqualTo(STEPS);
        assertThat(counts.codeEntries.get()).isGreaterThanOrEqualTo(STEPS);
    }

    private record Counts(AtomicInteger historyReads, AtomicInteger codeEntries) {
    }

    /** An orchestrator counting its entries into {@code counts}, and the output it ends with. */
    private record Workload(Function<Counts, OrchestrationRegistry> registry, String output) {
    }

    private static Workload sequence() {
        return new Workload(counts -> new OrchestrationRegistry()
                .addActivity("Next", ctx -> ctx.getInput(Integer.class) + 1)
                .addOrchestrator("Sequence", ctx -> {
                    counts.codeEntries.incrementAndGet();
                    int value = 0;
                    for (int i = 0; i < STEPS; i++) {
                        value = ctx.callActivity("Next", value, Integer.class).await();
                    }
                    return value;
                }), String.valueOf(STEPS));
    }

    private static Workload fanOut(int activities) {
        return new Workload(counts -> new OrchestrationRegistry()
                .addActivity("Next", ctx -> ctx.getInput(Integer.class) + 1)
                .addOrchestrator("Sequence", ctx -> {
                    counts.codeEntries.incrementAndGet();
                    List<DurableTask<Integer>> tasks = new ArrayList<>();
                    for (int i = 0; i < activities; i++) {
                        tasks.add(ctx.callActivity("Next", i, Integer.class));
                    }
                    return ctx.allOf(tasks).await().stream().mapToInt(Integer::intValue).sum();
                }), String.valueOf(activities * (activities + 1) / 2));
    }

    private static Counts run(WorkerOptions options, Workload workload) {
        Counts counts = new Counts(new AtomicInteger(), new AtomicInteger());
        OrchestrationRegistry registry = workload.registry().apply(counts);
        try (InMemoryStorageBackend backend = new InMemoryStorageBackend()) {
            OrchestrationStore store = countingHistoryReads(backend.taskHub("cache"), counts.historyReads);
            TaskhubWorker worker = new TaskhubWorker(store, registry, options).start();
            try {
                String id = new DefaultTaskhubClient(store, registry).startNew(StartInstanceRequest.of("Sequence", null));
                InstanceMetadata done = new DefaultTaskhubClient(store, registry)
                        .waitForCompletion(id, Duration.ofSeconds(60)).orElseThrow();
                assertThat(done.runtimeStatus()).isEqualTo(RuntimeStatus.Completed);
                assertThat(done.output()).isEqualTo(workload.output());
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
                        Object result = method.invoke(real, args);
                        if (method.getName().equals("completeOrchestrationWorkItem")) {
                            // As a database's round trip does: the commit has ended the step's lease, and the
                            // worker has not put the session back yet; other threads can claim meanwhile.
                            Thread.sleep(3);
                        }
                        return result;
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
