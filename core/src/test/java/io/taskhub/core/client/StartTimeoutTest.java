package io.taskhub.core.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskhub.core.memory.InMemoryStorageBackend;
import io.taskhub.core.worker.TaskhubWorker;
import io.taskhub.core.worker.WorkerOptions;
import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.client.StatusOptions;
import io.taskhub.ports.errors.InstanceAlreadyExistsException;
import io.taskhub.ports.errors.StartTimeoutException;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.query.InstanceQuery;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.tck.TestOrchestrations;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A start the storage does not acknowledge within the start timeout fails with {@link StartTimeoutException};
 * the late acknowledgement still lands, and a retry with the same id never makes a second instance.
 */
class StartTimeoutTest {
    private static final Duration TIMEOUT = Duration.ofMillis(200);

    private final InMemoryStorageBackend backend = new InMemoryStorageBackend();
    private final OrchestrationStore real = backend.taskHub("starts");
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch lateWriteDone = new CountDownLatch(1);
    private TaskhubWorker worker;

    @AfterEach
    void close() {
        release.countDown();
        if (worker != null) {
            worker.stop(Duration.ofSeconds(5));
        }
        backend.close();
    }

    /** The real store, whose first createInstance waits for {@link #release} before it writes. */
    private OrchestrationStore slowFirstStart() {
        boolean[] first = {true};
        return (OrchestrationStore) Proxy.newProxyInstance(OrchestrationStore.class.getClassLoader(),
                new Class<?>[] {OrchestrationStore.class}, (proxy, method, args) -> {
                    boolean delayed = false;
                    if (method.getName().equals("createInstance")) {
                        synchronized (first) {
                            delayed = first[0];
                            first[0] = false;
                        }
                    }
                    if (delayed) {
                        release.await(60, TimeUnit.SECONDS);
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    } finally {
                        if (delayed) {
                            lateWriteDone.countDown();
                        }
                    }
                });
    }

    private DefaultTaskhubClient client() {
        return new DefaultTaskhubClient(slowFirstStart(), TestOrchestrations.registry(), TIMEOUT);
    }

    @Test
    void anUnacknowledgedStart_timesOut_namingTheId_andARetryAfterTheLateWriteFindsTheInstance() throws Exception {
        DefaultTaskhubClient client = client();
        StartInstanceRequest start = StartInstanceRequest.of("Hello", null).withInstanceId("late-1");

        assertThatThrownBy(() -> client.startNew(start)).isInstanceOfSatisfying(StartTimeoutException.class,
                e -> assertThat(e.instanceId()).isEqualTo("late-1")).hasMessageContaining("late-1")
                .hasMessageContaining("same instance id is safe");

        release.countDown();
        assertThat(lateWriteDone.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(real.getInstance("late-1")).as("the late acknowledgement landed").isPresent();
        assertThatThrownBy(() -> client.startNew(start)).isInstanceOf(InstanceAlreadyExistsException.class);
        assertRunsOnce("late-1");
    }

    @Test
    void aRetryBeforeTheLateWrite_startsTheInstance_andTheLateWriteMakesNoSecondOne() throws Exception {
        DefaultTaskhubClient client = client();
        StartInstanceRequest start = StartInstanceRequest.of("Hello", null).withInstanceId("late-2");
        assertThatThrownBy(() -> client.startNew(start)).isInstanceOf(StartTimeoutException.class);

        assertThat(client.startNew(start)).isEqualTo("late-2");
        release.countDown();
        assertThat(lateWriteDone.await(30, TimeUnit.SECONDS)).isTrue();
        assertRunsOnce("late-2");
    }

    private void assertRunsOnce(String id) {
        worker = new TaskhubWorker(real, TestOrchestrations.registry(), WorkerOptions.defaults()).start();
        DefaultTaskhubClient reader = new DefaultTaskhubClient(real, null);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> reader.getStatus(id, StatusOptions.DEFAULT)
                .map(s -> s.metadata().runtimeStatus() == RuntimeStatus.Completed).orElse(false));
        assertThat(reader.list(InstanceQuery.builder().instanceIdPrefix(id).build()).instances()).hasSize(1);
        assertThat(real.getHistory(id)).filteredOn(ExecutionStarted.class::isInstance).hasSize(1);
    }
}
