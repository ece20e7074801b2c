package io.taskhub.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.core.client.DefaultTaskhubClient;
import io.taskhub.core.memory.InMemoryStorageBackend;
import io.taskhub.core.registry.OrchestrationRegistry;
import io.taskhub.core.worker.TaskhubWorker;
import io.taskhub.core.worker.WorkerOptions;
import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.errors.StorageException;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.Checkpoint;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.OrchestrationStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A step whose commit fails is redone. On a store without transactions its first attempt may already have
 * sent its messages, so the redone step must start the same executions: same ids, recognised as copies, and
 * each child runs once.
 */
class RedoneStepTest {

    @Test
    void redoneStep_startsSubOrchestrationsAndContinuationsUnderTheSameExecutionIds() {
        try (InMemoryStorageBackend backend = new InMemoryStorageBackend()) {
            List<List<String>> rejected = Collections.synchronizedList(new ArrayList<>());
            List<List<String>> committed = Collections.synchronizedList(new ArrayList<>());
            OrchestrationStore store = firstCommitOfEachStartFails(backend.taskHub("redone"), rejected, committed);
            Map<String, AtomicInteger> childRuns = new ConcurrentHashMap<>();
            OrchestrationRegistry registry = new OrchestrationRegistry()
                    .addOrchestrator("Child", ctx -> {
                        if (!ctx.isReplaying()) {
                            childRuns.computeIfAbsent(ctx.instanceId(), k -> new AtomicInteger()).incrementAndGet();
                        }
                        return ctx.getInput(Integer.class);
                    })
                    .addOrchestrator("Parent", ctx -> {
                        int round = ctx.getInput(Integer.class);
                        int echoed = ctx.callSubOrchestrator("Child", round, "child-" + round, Integer.class)
                                .await();
                        if (round == 0) {
                            ctx.continueAsNew(echoed + 1);
                            return null;
                        }
                        return echoed;
                    });
            TaskhubWorker worker = new TaskhubWorker(store, registry,
                    WorkerOptions.defaults().withConcurrency(1, 1)).start();
            try {
                DefaultTaskhubClient client = new DefaultTaskhubClient(store, registry);
                String id = client.startNew(StartInstanceRequest.of("Parent", "0").withInstanceId("redone"));
                InstanceMetadata done = client.waitForCompletion(id, Duration.ofSeconds(30)).orElseThrow();

                assertThat(done.runtimeStatus()).isEqualTo(RuntimeStatus.Completed);
                assertThat(done.output()).isEqualTo("1");
                // two children and one continuation were started, each by a step that was done twice
                assertThat(rejected).hasSize(3);
                assertThat(committed).isEqualTo(rejected);
                assertThat(committed.stream().flatMap(List::stream).distinct()).hasSize(3);
                assertThat(childRuns).containsOnlyKeys("child-0", "child-1");
                assertThat(childRuns.values()).allSatisfy(runs -> assertThat(runs.get()).isEqualTo(1));
            } finally {
                worker.stop(Duration.ofSeconds(5));
            }
        }
    }

    /**
     * The real store, except that the first commit of each step that starts executions fails after sending the
     * step's messages (as a crash between the two writes of a store without transactions would). Records the
     * execution ids each attempt started, rejected ones and committed ones, in order.
     */
    private static OrchestrationStore firstCommitOfEachStartFails(OrchestrationStore real,
            List<List<String>> rejected, List<List<String>> committed) {
        return (OrchestrationStore) Proxy.newProxyInstance(OrchestrationStore.class.getClassLoader(),
                new Class<?>[] {OrchestrationStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("completeOrchestrationWorkItem")) {
                        List<String> started = startedExecutions((Checkpoint) args[1]);
                        if (!started.isEmpty() && rejected.size() == committed.size()) {
                            rejected.add(started);
                            real.sendMessages(((Checkpoint) args[1]).messages());
                            throw new StorageException("simulated failure after the messages were sent");
                        }
                        if (!started.isEmpty()) {
                            committed.add(started);
                        }
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static List<String> startedExecutions(Checkpoint checkpoint) {
        return checkpoint.messages().stream().filter(m -> m.event() instanceof ExecutionStarted)
                .map(InstanceMessage::executionId).toList();
    }
}
