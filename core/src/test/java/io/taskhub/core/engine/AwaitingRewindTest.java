package io.taskhub.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.core.memory.InMemoryStorageBackend;
import io.taskhub.core.registry.OrchestrationRegistry;
import io.taskhub.ports.history.EventRaised;
import io.taskhub.ports.history.ExecutionCompleted;
import io.taskhub.ports.history.ExecutionRewound;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.history.OrchestratorCompleted;
import io.taskhub.ports.history.OrchestratorStarted;
import io.taskhub.ports.model.FailureDetails;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.Checkpoint;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.OrchestrationWorkItem;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * An instance reopened for its rewind is handled as the failed instance it still is until the rewind runs; what
 * reaches it before the rewind (in a claim without it) waits for it instead of being dropped, and a rewind given up
 * at the poison limit leaves it Failed again.
 */
class AwaitingRewindTest {
    private static final FailureDetails FAILURE = new FailureDetails("IllegalStateException", "broke");

    private static OrchestrationStore failedInstance(InMemoryStorageBackend backend, String id) {
        OrchestrationStore store = backend.taskHub("rewinding");
        ExecutionStarted started = new ExecutionStarted(Instant.now(), "Order", null, null, "x1", null, null, null);
        store.createInstance(id, started, Set.of());
        OrchestrationWorkItem item = store.claimOrchestrationWorkItem("test", Duration.ofSeconds(30), 10).orElseThrow();
        Instant now = Instant.now();
        store.completeOrchestrationWorkItem(item, new Checkpoint(item.instance().toBuilder()
                .runtimeStatus(RuntimeStatus.Failed).failure(FAILURE).completedAt(now).build(),
                List.of(new OrchestratorStarted(now), started,
                        new ExecutionCompleted(now, RuntimeStatus.Failed, null, FAILURE),
                        new OrchestratorCompleted(now)),
                false, List.of(), List.of()));
        return store;
    }

    private static StepProcessor steps(OrchestrationStore store, DroppedMessages drops, int poisonLimit) {
        return new StepProcessor(store, new OrchestrationRegistry()::orchestrator, new SessionCache(0, Duration.ZERO),
                poisonLimit, Duration.ZERO, drops);
    }

    private static OrchestrationStore capturing(OrchestrationStore real, AtomicReference<Checkpoint> into) {
        return (OrchestrationStore) Proxy.newProxyInstance(OrchestrationStore.class.getClassLoader(),
                new Class<?>[] {OrchestrationStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("completeOrchestrationWorkItem")) {
                        into.set((Checkpoint) args[1]);
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void anEventClaimedBeforeTheRewind_waitsForIt_ratherThanBeingDropped() {
        try (InMemoryStorageBackend backend = new InMemoryStorageBackend()) {
            OrchestrationStore store = failedInstance(backend, "r1");
            store.sendMessages(List.of(InstanceMessage.of("r1", new EventRaised(Instant.now(), "Note", "1"))));
            assertThat(store.reopenForRewind("r1", InstanceMessage.of("r1", new ExecutionRewound(Instant.now(), "x"))))
                    .isTrue();
            OrchestrationWorkItem eventOnly = store.claimOrchestrationWorkItem("test", Duration.ofSeconds(30), 1)
                    .orElseThrow();
            assertThat(eventOnly.messages()).singleElement().satisfies(m -> assertThat(m.event())
                    .isInstanceOf(EventRaised.class));

            AtomicReference<Checkpoint> committed = new AtomicReference<>();
            DroppedMessages drops = new DroppedMessages();
            steps(capturing(store, committed), drops, 5).process(eventOnly);

            assertThat(drops.count()).isZero();
            assertThat(committed.get().messages()).singleElement().satisfies(m -> {
                assertThat(m.event()).isInstanceOf(EventRaised.class);
                assertThat(m.visibleAt()).as("sent again for later").isNotNull();
            });
        }
    }

    @Test
    void aRewindGivenUpAtThePoisonLimit_leavesTheInstanceFailedAgain() {
        try (InMemoryStorageBackend backend = new InMemoryStorageBackend()) {
            OrchestrationStore store = failedInstance(backend, "r2");
            store.reopenForRewind("r2", InstanceMessage.of("r2", new ExecutionRewound(Instant.now(), "x")));
            OrchestrationWorkItem item = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                item = store.claimOrchestrationWorkItem("test", Duration.ofSeconds(30), 10).orElseThrow();
                if (attempt < 2) {
                    store.abandonOrchestrationWorkItem(item, Duration.ZERO);
                }
            }
            steps(store, new DroppedMessages(), 2).process(item);

            var instance = store.getInstance("r2").orElseThrow();
            assertThat(instance.runtimeStatus()).isEqualTo(RuntimeStatus.Failed);
            assertThat(instance.failure()).isEqualTo(FAILURE);
            assertThat(store.getHistory("r2")).filteredOn(ExecutionCompleted.class::isInstance).hasSize(1);
        }
    }
}
