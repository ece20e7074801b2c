package io.taskhub.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.core.client.DefaultTaskhubClient;
import io.taskhub.core.memory.InMemoryStorageBackend;
import io.taskhub.core.memory.MutableClock;
import io.taskhub.core.registry.OrchestrationRegistry;
import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.client.StatusOptions;
import io.taskhub.ports.history.TaskScheduled;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.orchestration.RetryPolicy;
import io.taskhub.ports.orchestration.TaskFailedException;
import io.taskhub.ports.orchestration.TaskOptions;
import io.taskhub.ports.store.OrchestrationStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Worker and programming-model behaviours that need their own orchestrations or worker settings. */
class WorkerBehaviourTest {
    private final InMemoryStorageBackend backend = new InMemoryStorageBackend();
    private final OrchestrationStore store = backend.taskHub("behaviour");
    private final OrchestrationRegistry registry = new OrchestrationRegistry();
    private final DefaultTaskhubClient client = new DefaultTaskhubClient(store, registry);
    private final List<TaskhubWorker> workers = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        workers.forEach(w -> w.stop(Duration.ofSeconds(5)));
        backend.close();
    }

    private TaskhubWorker worker(WorkerOptions options) {
        TaskhubWorker worker = new TaskhubWorker(store, registry, options).start();
        workers.add(worker);
        return worker;
    }

    private InstanceMetadata finished(String id) {
        InstanceMetadata done = client.waitForCompletion(id, Duration.ofSeconds(30)).orElseThrow();
        assertThat(done.runtimeStatus().isTerminal()).isTrue();
        return done;
    }

    @Test
    void newUuid_isTheSameOnReplay_andIsReplayingIsTrueOnlyWhileReplaying() {
        List<Boolean> replayingFlags = new CopyOnWriteArrayList<>();
        List<Boolean> loggable = new CopyOnWriteArrayList<>();
        registry.addActivity("Echo", ctx -> ctx.getInput(String.class));
        registry.addOrchestrator("Uuids", ctx -> {
            replayingFlags.add(ctx.isReplaying());
            loggable.add(ctx.logger().isLoggable(System.Logger.Level.ERROR));
            String first = ctx.newUuid().toString();
            ctx.callActivity("Echo", first, String.class).await();
            replayingFlags.add(ctx.isReplaying());
            return List.of(first, ctx.newUuid().toString());
        });
        worker(WorkerOptions.defaults().withConcurrency(1, 1).withMaxCachedInstances(0));
        String id = client.startNew(StartInstanceRequest.of("Uuids", null));
        InstanceMetadata done = finished(id);

        TaskScheduled scheduled = client.getStatus(id, StatusOptions.WITH_HISTORY).orElseThrow().history().stream()
                .filter(TaskScheduled.class::isInstance).map(TaskScheduled.class::cast).findFirst().orElseThrow();
        assertThat(done.output()).startsWith("[" + scheduled.input() + ",");
        assertThat(done.output()).doesNotContain(scheduled.input() + "," + scheduled.input());
        // first step live; second step replays the start, then continues live after the activity's result
        assertThat(replayingFlags).containsExactly(false, true, false);
        assertThat(loggable).containsExactly(true, false);
    }

    @Test
    void retryPolicy_doesNotRetryNonRetryableErrors() {
        AtomicInteger runs = new AtomicInteger();
        registry.addActivity("Invalid", ctx -> {
            runs.incrementAndGet();
            throw new IllegalArgumentException("never valid");
        });
        registry.addOrchestrator("NoRetry", ctx -> {
            try {
                return ctx.callActivity("Invalid", null, TaskOptions.withRetry(RetryPolicy.of(5, Duration.ofMillis(10))
                        .withNonRetryable(IllegalArgumentException.class)), String.class).await();
            } catch (TaskFailedException e) {
                return "gave up: " + e.failure().errorMessage();
            }
        });
        worker(WorkerOptions.defaults().withConcurrency(1, 1));
        assertThat(finished(client.startNew(StartInstanceRequest.of("NoRetry", null))).output())
                .isEqualTo("\"gave up: never valid\"");
        assertThat(runs).hasValue(1);
    }

    @Test
    void subOrchestration_withRetryPolicy_isStartedAgainUntilItSucceeds() {
        AtomicInteger attempts = new AtomicInteger();
        registry.addOrchestrator("Shaky", ctx -> {
            if (attempts.incrementAndGet() < 3) {
                throw new IllegalStateException("attempt " + attempts.get());
            }
            return "steady";
        });
        registry.addOrchestrator("CallsShaky", ctx -> ctx.callSubOrchestrator("Shaky", null, ctx.instanceId() + ":c",
                TaskOptions.withRetry(RetryPolicy.of(3, Duration.ofMillis(10))), String.class).await());
        worker(WorkerOptions.defaults().withConcurrency(2, 1));
        assertThat(finished(client.startNew(StartInstanceRequest.of("CallsShaky", null))).output())
                .isEqualTo("\"steady\"");
        assertThat(attempts).hasValue(3);
    }

    @Test
    void longActivity_keepsItsLeaseByRenewal_andRunsOnce() throws Exception {
        // The store's clock moves only when the test moves it, so whether the lease holds depends on the renewals
        // the test waits for, not on how fast this machine is.
        MutableClock clock = new MutableClock(Instant.now());
        InMemoryStorageBackend timed = new InMemoryStorageBackend(clock);
        OrchestrationStore timedStore = timed.taskHub("renewals");
        AtomicInteger renewals = new AtomicInteger();
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        registry.addActivity("Slow", ctx -> {
            runs.incrementAndGet();
            running.countDown();
            finish.await(60, TimeUnit.SECONDS);
            return "slow but steady";
        });
        registry.addOrchestrator("CallsSlow", ctx -> ctx.callActivity("Slow", null, String.class).await());
        Duration lease = Duration.ofSeconds(3);
        TaskhubWorker worker = new TaskhubWorker(countingActivityRenewals(timedStore, renewals), registry,
                WorkerOptions.defaults().withConcurrency(2, 4).withLeaseDuration(lease)).start();
        workers.add(worker);
        DefaultTaskhubClient timedClient = new DefaultTaskhubClient(timedStore, registry);
        String id = timedClient.startNew(StartInstanceRequest.of("CallsSlow", null));
        assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();

        // Past the lease the activity started with, in two moves each shorter than a lease; after each, two
        // renewals (the second surely made at the new time) extend it from there.
        for (int move = 0; move < 2; move++) {
            clock.advance(Duration.ofSeconds(2));
            int seen = renewals.get();
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> renewals.get() >= seen + 2);
        }

        assertThat(timedStore.claimActivityWorkItem("intruder", Duration.ofSeconds(1)))
                .as("the renewed lease keeps the task from other claims after its first lease ran out").isEmpty();
        finish.countDown();
        assertThat(timedClient.waitForCompletion(id, Duration.ofSeconds(30)).orElseThrow().output())
                .isEqualTo("\"slow but steady\"");
        assertThat(runs).as("no other worker thread took over the running activity").hasValue(1);
        worker.stop(Duration.ofSeconds(5));
        timed.close();
    }

    /** The store, counting the renewals of activity leases that succeed. */
    private static OrchestrationStore countingActivityRenewals(OrchestrationStore real, AtomicInteger renewals) {
        return (OrchestrationStore) Proxy.newProxyInstance(OrchestrationStore.class.getClassLoader(),
                new Class<?>[] {OrchestrationStore.class}, (proxy, method, args) -> {
                    try {
                        Object result = method.invoke(real, args);
                        if (method.getName().equals("renewActivityWorkItem")) {
                            renewals.incrementAndGet();
                        }
                        return result;
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void stop_finishesWorkInProgress_soNothingRunsTwice() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch running = new CountDownLatch(1);
        registry.addActivity("Busy", ctx -> {
            runs.incrementAndGet();
            running.countDown();
            Thread.sleep(700);
            return "done";
        });
        registry.addOrchestrator("CallsBusy", ctx -> ctx.callActivity("Busy", null, String.class).await());
        TaskhubWorker first = worker(WorkerOptions.defaults().withConcurrency(1, 1));
        String id = client.startNew(StartInstanceRequest.of("CallsBusy", null));
        assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
        first.stop(Duration.ofSeconds(10));
        assertThat(first.busyCount()).isZero();

        worker(WorkerOptions.defaults().withConcurrency(1, 1));
        assertThat(finished(id).output()).isEqualTo("\"done\"");
        assertThat(runs).as("the activity finished before the stop, and was not run again").hasValue(1);
    }

    @Test
    void purge_recursive_deletesFinishedSubOrchestrationsToo() {
        registry.addOrchestrator("Leaf", ctx -> "leaf");
        registry.addOrchestrator("Tree", ctx -> ctx.callSubOrchestrator("Leaf", null, ctx.instanceId() + ":leaf",
                String.class).await());
        worker(WorkerOptions.defaults().withConcurrency(2, 1));
        String id = client.startNew(StartInstanceRequest.of("Tree", null));
        finished(id);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                client.getStatus(id + ":leaf", StatusOptions.DEFAULT).isPresent());
        assertThat(client.purge(id, true).deletedInstanceCount()).isEqualTo(2);
        assertThat(client.getStatus(id, StatusOptions.DEFAULT)).isEmpty();
        assertThat(client.getStatus(id + ":leaf", StatusOptions.DEFAULT)).isEmpty();
        assertThat(RuntimeStatus.Completed.isTerminal()).isTrue();
    }
}
