package io.taskhub.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.core.client.DefaultTaskhubClient;
import io.taskhub.core.memory.InMemoryStorageBackend;
import io.taskhub.core.registry.OrchestrationRegistry;
import io.taskhub.core.worker.TaskhubWorker;
import io.taskhub.core.worker.WorkerOptions;
import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.orchestration.DurableTask;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.OrchestrationWorkItem;
import io.taskhub.ports.store.StepCommit;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A step that took several messages (a fan-in's results) is committed together with the claim of its instance
 * again, and the worker runs the next step at once: the rest of the fan-in needs no claim of the worker's loop. A
 * step of one message is committed without it.
 */
class ClaimAgainTest {
    private static final int ACTIVITIES = 60;
    private static final int MAX_MESSAGES = 5;

    @Test
    void aFanInsFullSteps_claimTheInstanceAgain_andTheWorkerRunsTheNextStepWithoutAClaim() {
        try (InMemoryStorageBackend backend = new InMemoryStorageBackend()) {
            OrchestrationStore real = backend.taskHub("again");
            AtomicBoolean fannedOut = new AtomicBoolean();
            AtomicBoolean fannedIn = new AtomicBoolean();
            AtomicInteger claimsAfterFanOut = new AtomicInteger();
            List<Integer> takenByStepsThatClaimedAgain = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger claimedAgain = new AtomicInteger();
            OrchestrationStore store = (OrchestrationStore) Proxy.newProxyInstance(
                    OrchestrationStore.class.getClassLoader(), new Class<?>[] {OrchestrationStore.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("claimOrchestrationWorkItem") && fannedOut.get()
                                && !fannedIn.get()) {
                            // The worker's claims wait until every result is in, so that steps take full batches.
                            if (real.backlog().orElseThrow().orchestrationMessages() < ACTIVITIES) {
                                return Optional.empty();
                            }
                            Object claimed = invoke(real, method, args);
                            if (((Optional<?>) claimed).isPresent()) {
                                claimsAfterFanOut.incrementAndGet();
                            }
                            return claimed;
                        }
                        if (method.getName().equals("completeOrchestrationWorkItemAndClaimAgain")) {
                            takenByStepsThatClaimedAgain.add(((OrchestrationWorkItem) args[0]).messages().size());
                            StepCommit committed = (StepCommit) invoke(real, method, args);
                            if (committed.next().isPresent()) {
                                claimedAgain.incrementAndGet();
                            }
                            return committed;
                        }
                        return invoke(real, method, args);
                    });
            OrchestrationRegistry registry = new OrchestrationRegistry()
                    .addActivity("Identity", ctx -> ctx.getInput(Integer.class))
                    .addOrchestrator("FanOut", ctx -> {
                        List<DurableTask<Integer>> tasks = new ArrayList<>();
                        for (int i = 1; i <= ACTIVITIES; i++) {
                            tasks.add(ctx.callActivity("Identity", i, Integer.class));
                        }
                        if (!ctx.isReplaying()) {
                            fannedOut.set(true);
                        }
                        return ctx.allOf(tasks).await().stream().mapToInt(Integer::intValue).sum();
                    })
                    .addOrchestrator("WaitsForGo", ctx -> ctx.waitForExternalEvent("go", String.class).await());
            WorkerOptions defaults = WorkerOptions.defaults();
            WorkerOptions options = new WorkerOptions(2, 4, defaults.leaseDuration(), MAX_MESSAGES,
                    defaults.poisonLimit(), defaults.maxCachedInstances(), Duration.ofMillis(50),
                    defaults.unwindGrace(), "again-worker", null, true, false);
            TaskhubWorker worker = new TaskhubWorker(store, registry, options).start();
            try {
                DefaultTaskhubClient client = new DefaultTaskhubClient(store, registry);
                String id = client.startNew(StartInstanceRequest.of("FanOut", null).withInstanceId("fan"));
                InstanceMetadata done = client.waitForCompletion(id, Duration.ofSeconds(30)).orElseThrow();

                assertThat(done.runtimeStatus()).isEqualTo(RuntimeStatus.Completed);
                assertThat(done.output()).isEqualTo(String.valueOf(ACTIVITIES * (ACTIVITIES + 1) / 2));
                assertThat(claimsAfterFanOut).as("claims of the worker's loop after the fan-out").hasValue(1);
                assertThat(takenByStepsThatClaimedAgain).as("messages of each step that claimed again")
                        .isNotEmpty().containsOnly(MAX_MESSAGES);
                assertThat(claimedAgain).as("steps that followed without a claim")
                        .hasValue(ACTIVITIES / MAX_MESSAGES - 1);
                fannedIn.set(true);

                // A step of one message (an event) is committed without claiming its instance again.
                String waits = client.startNew(StartInstanceRequest.of("WaitsForGo", null).withInstanceId("waits"));
                client.waitForStart(waits, Duration.ofSeconds(30));
                client.raiseEvent(waits, "go", "\"now\"");
                assertThat(client.waitForCompletion(waits, Duration.ofSeconds(30)).orElseThrow().output())
                        .isEqualTo("\"now\"");
                assertThat(takenByStepsThatClaimedAgain).containsOnly(MAX_MESSAGES);
            } finally {
                worker.stop(Duration.ofSeconds(5));
            }
        }
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
