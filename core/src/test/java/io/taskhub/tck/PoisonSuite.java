package io.taskhub.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.core.client.DefaultTaskhubClient;
import io.taskhub.core.worker.TaskhubWorker;
import io.taskhub.core.worker.WorkerOptions;
import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.client.StatusOptions;
import io.taskhub.ports.errors.StorageException;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.Checkpoint;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.StorageBackend;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * A step that keeps failing outside orchestrator code (here: its commit, refused by a wrapper around the real store
 * as a backend refuses what it cannot write) ends at the poison limit, on every backend: the instance is failed with
 * the error, with its values cleared when they cannot be stored either, and when not even that can be written, its
 * messages are given up rather than retried for ever.
 */
public abstract class PoisonSuite {
    /** The backend under test; the concrete class owns it. */
    protected abstract StorageBackend backend();

    private static String newHub(String prefix) {
        return prefix + Long.toString(System.nanoTime(), 36);
    }

    @Test
    void stepThatNeverCommits_failsTheInstanceWithAPoisonError_afterThePoisonLimit() {
        OrchestrationStore real = backend().taskHub(newHub("poison"));
        real.createTaskHubIfNotExists();
        {
            AtomicInteger rejectedCommits = new AtomicInteger();
            OrchestrationStore store = failingNormalCommits(real, rejectedCommits);
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
                real.deleteTaskHub();
            }
        }
    }

    @Test
    void stepWhoseValuesTheStoreRefuses_stillEndsFailedAtTheLimit_andCanThenBePurged() {
        OrchestrationStore real = backend().taskHub(newHub("poisonvalues"));
        real.createTaskHubIfNotExists();
        {
            AtomicInteger rejectedCommits = new AtomicInteger();
            OrchestrationStore store = refusingScheduledStarts(real, rejectedCommits);
            var registry = TestOrchestrations.registry();
            var client = new DefaultTaskhubClient(store, registry);
            TaskhubWorker worker = new TaskhubWorker(store, registry,
                    WorkerOptions.defaults().withConcurrency(1, 1).withPoisonLimit(2)).start();
            try {
                // Scheduled a moment ago: every checkpoint that keeps the scheduled time is refused, the poison
                // failure included, as a backend refuses a value it cannot store.
                String id = client.startNew(StartInstanceRequest.of("Hello", "\"kept input\"")
                        .withStartAt(Instant.now().minusSeconds(1)));
                InstanceMetadata done = client.waitForCompletion(id, Duration.ofSeconds(30)).orElseThrow();

                assertThat(done.runtimeStatus()).isEqualTo(RuntimeStatus.Failed);
                assertThat(done.failure().errorType()).isEqualTo("PoisonMessage");
                assertThat(done.failure().errorMessage()).contains("after 3 attempts")
                        .contains("could not be stored either").contains("scheduled start refused");
                assertThat(done.scheduledStartAt()).isNull();
                assertThat(rejectedCommits.get()).as("two normal attempts, then the full poison checkpoint")
                        .isEqualTo(3);
                assertThat(client.purge(id, false).deletedInstanceCount()).isEqualTo(1);
                assertThat(client.getStatus(id, StatusOptions.DEFAULT)).isEmpty();
            } finally {
                worker.stop(Duration.ofSeconds(5));
                real.deleteTaskHub();
            }
        }
    }

    @Test
    void stepOfAnInstanceWhoseRowCannotBeWrittenAtAll_givesUpItsMessagesAtTheLimit_insteadOfRetryingForEver() {
        OrchestrationStore real = backend().taskHub(newHub("unwritable"));
        real.createTaskHubIfNotExists();
        AtomicInteger rejectedCommits = new AtomicInteger();
        // Every checkpoint that writes the row is refused: the normal attempts, the poison failure and its bare form.
        OrchestrationStore store = rejecting(real, rejectedCommits, "row refused", checkpoint -> checkpoint.instance() != null);
        var registry = TestOrchestrations.registry();
        var client = new DefaultTaskhubClient(store, registry);
        TaskhubWorker worker = new TaskhubWorker(store, registry,
                WorkerOptions.defaults().withConcurrency(1, 1).withPoisonLimit(2)).start();
        try {
            String id = client.startNew(StartInstanceRequest.of("Hello", null));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> worker.droppedMessages().count() > 0);

            // Two attempts; then, up to twice the limit, the poison failure and its bare form, retried; then both
            // once more, and the messages are given up.
            assertThat(rejectedCommits.get()).isEqualTo(2 + 2 * 2 + 2);
            assertThat(real.claimOrchestrationWorkItem("inspector", Duration.ofSeconds(1), 100))
                    .as("nothing is left to retry").isEmpty();
            assertThat(client.getStatus(id, StatusOptions.DEFAULT).orElseThrow().metadata().runtimeStatus())
                    .as("the row stays as it was stored").isEqualTo(RuntimeStatus.Pending);
        } finally {
            worker.stop(Duration.ofSeconds(5));
            real.deleteTaskHub();
        }
    }

    /** The real store, except that it refuses to write an instance row that has a scheduled start time. */
    private static OrchestrationStore refusingScheduledStarts(OrchestrationStore real, AtomicInteger rejected) {
        return rejecting(real, rejected, "scheduled start refused by the store",
                checkpoint -> checkpoint.instance() != null && checkpoint.instance().scheduledStartAt() != null);
    }

    /** The real store, except that every commit of a step other than a failure is rejected. */
    private static OrchestrationStore failingNormalCommits(OrchestrationStore real, AtomicInteger rejected) {
        return rejecting(real, rejected, "storage failure", checkpoint -> checkpoint.instance() == null
                || checkpoint.instance().runtimeStatus() != RuntimeStatus.Failed);
    }

    private static OrchestrationStore rejecting(OrchestrationStore real, AtomicInteger rejected, String what,
            Predicate<Checkpoint> refused) {
        return (OrchestrationStore) Proxy.newProxyInstance(OrchestrationStore.class.getClassLoader(),
                new Class<?>[] {OrchestrationStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("completeOrchestrationWorkItem") && refused.test((Checkpoint) args[1])) {
                        rejected.incrementAndGet();
                        throw new StorageException("simulated: " + what);
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
