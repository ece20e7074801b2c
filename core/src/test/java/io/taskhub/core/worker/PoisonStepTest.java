package io.taskhub.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.core.client.DefaultTaskhubClient;
import io.taskhub.core.memory.InMemoryStorageBackend;
import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.errors.StorageException;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.Checkpoint;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.tck.TestOrchestrations;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A step that keeps failing outside orchestrator code (here: its commit) fails the instance at the limit. */
class PoisonStepTest {

    @Test
    void stepThatNeverCommits_failsTheInstanceWithAPoisonError_afterThePoisonLimit() {
        try (InMemoryStorageBackend backend = new InMemoryStorageBackend()) {
            AtomicInteger rejectedCommits = new AtomicInteger();
            OrchestrationStore store = failingNormalCommits(backend.taskHub("poison"), rejectedCommits);
            var registry = TestOrchestrations.registry();
            var client = new DefaultTaskhubClient(store, registry);
            TaskhubWorker worker = new TaskhubWorker(store, registry,
                    WorkerOptions.defaults().withConcurrency(1, 1).withPoisonLimit(3)).start();
            try {
                String id = client.startNew(StartInstanceRequest.of("Hello", null));
                InstanceMetadata done = client.waitForCompletion(id, Duration.ofSeconds(30)).orElseThrow();
                assertThat(done.runtimeStatus()).isEqualTo(RuntimeStatus.Failed);
                assertThat(done.failure().errorType()).isEqualTo("PoisonMessage");
                assertThat(done.failure().errorMessage()).contains("after 4 attempts").contains("limit is 3");
                assertThat(rejectedCommits.get()).isEqualTo(3);
            } finally {
                worker.stop(Duration.ofSeconds(5));
            }
        }
    }

    /** The real store, except that every commit of a step other than a failure is rejected. */
    private static OrchestrationStore failingNormalCommits(OrchestrationStore real, AtomicInteger rejected) {
        return (OrchestrationStore) Proxy.newProxyInstance(OrchestrationStore.class.getClassLoader(),
                new Class<?>[] {OrchestrationStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("completeOrchestrationWorkItem")) {
                        Checkpoint checkpoint = (Checkpoint) args[1];
                        if (checkpoint.instance() == null
                                || checkpoint.instance().runtimeStatus() != RuntimeStatus.Failed) {
                            rejected.incrementAndGet();
                            throw new StorageException("simulated storage failure");
                        }
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
