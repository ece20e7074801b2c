package io.taskhub.core.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.core.memory.InMemoryStorageBackend;
import io.taskhub.core.registry.OrchestrationRegistry;
import io.taskhub.core.worker.TaskhubWorker;
import io.taskhub.core.worker.WorkerOptions;
import io.taskhub.ports.client.InstanceStatus;
import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.client.StatusOptions;
import io.taskhub.ports.history.ExecutionCompleted;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.OrchestrationStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A status with its history is one view of one revision: a step that commits between reading the instance and
 * reading its history (made to happen here, every time) does not pair a Running status with a finished history.
 */
class ConsistentStatusTest {

    @Test
    void aStepCommittedBetweenTheTwoReads_isNotPairedWithTheOldStatus() {
        try (InMemoryStorageBackend backend = new InMemoryStorageBackend()) {
            OrchestrationStore real = backend.taskHub("consistent");
            OrchestrationRegistry registry = new OrchestrationRegistry()
                    .addOrchestrator("Wait", ctx -> ctx.waitForExternalEvent("Go", String.class).await());
            TaskhubWorker worker = new TaskhubWorker(real, registry, WorkerOptions.defaults()).start();
            try {
                DefaultTaskhubClient direct = new DefaultTaskhubClient(real, registry);
                String id = direct.startNew(StartInstanceRequest.of("Wait", null));
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> real.getInstance(id).orElseThrow()
                        .runtimeStatus() == RuntimeStatus.Running);

                AtomicBoolean raced = new AtomicBoolean();
                OrchestrationStore racing = (OrchestrationStore) Proxy.newProxyInstance(
                        OrchestrationStore.class.getClassLoader(), new Class<?>[] {OrchestrationStore.class},
                        (proxy, method, args) -> {
                            if (method.getName().equals("getHistory") && raced.compareAndSet(false, true)) {
                                // the instance finishes after its row was read and before its history is
                                direct.raiseEvent(id, "Go", "\"now\"");
                                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> real.getInstance(id)
                                        .orElseThrow().runtimeStatus() == RuntimeStatus.Completed);
                            }
                            try {
                                return method.invoke(real, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        });

                InstanceStatus status = new DefaultTaskhubClient(racing, registry)
                        .getStatus(id, StatusOptions.WITH_HISTORY).orElseThrow();

                assertThat(raced).isTrue();
                assertThat(status.history()).anyMatch(ExecutionCompleted.class::isInstance);
                assertThat(status.metadata().runtimeStatus()).as("the status of the history it comes with")
                        .isEqualTo(RuntimeStatus.Completed);
            } finally {
                worker.stop(Duration.ofSeconds(5));
            }
        }
    }
}
