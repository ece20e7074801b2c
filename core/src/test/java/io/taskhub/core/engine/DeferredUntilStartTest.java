package io.taskhub.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.core.client.DefaultTaskhubClient;
import io.taskhub.core.memory.InMemoryStorageBackend;
import io.taskhub.core.registry.OrchestrationRegistry;
import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.history.EventRaised;
import io.taskhub.ports.store.Checkpoint;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.OrchestrationWorkItem;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Messages that reach an instance before its execution has started are sent again for later. An event raised by
 * a client is for whichever execution runs when it arrives; were its copy pinned to the execution of the moment,
 * it would be dropped as stale once that execution continued as new (an event lost under load, seen on Azure
 * Storage where a start and the events raised meanwhile may be received in separate claims).
 */
class DeferredUntilStartTest {

    @Test
    void anEventDeferredBeforeTheStart_staysAddressedToWhicheverExecutionRuns() {
        try (InMemoryStorageBackend backend = new InMemoryStorageBackend()) {
            OrchestrationStore real = backend.taskHub("deferred");
            OrchestrationRegistry registry = new OrchestrationRegistry()
                    .addOrchestrator("Wait", ctx -> ctx.waitForExternalEvent("Add", Integer.class).await());
            DefaultTaskhubClient client = new DefaultTaskhubClient(real, registry);
            Instant later = real.now().plus(Duration.ofHours(1));
            client.startNew(StartInstanceRequest.of("Wait", null).withInstanceId("w").withStartAt(later));
            client.raiseEvent("w", "Add", "1");

            OrchestrationWorkItem item = real.claimOrchestrationWorkItem("test", Duration.ofSeconds(30), 10)
                    .orElseThrow();
            assertThat(item.messages()).singleElement().satisfies(m -> assertThat(m.event()).isInstanceOf(EventRaised.class));
            assertThat(item.messages().get(0).executionId()).isNull();

            AtomicReference<Checkpoint> committed = new AtomicReference<>();
            new StepProcessor(capturingCommits(real, committed), registry::orchestrator, new SessionCache(0,
                    Duration.ZERO), 5, Duration.ZERO, new DroppedMessages()).process(item);

            List<InstanceMessage> again = committed.get().messages();
            assertThat(again).hasSize(1);
            assertThat(again.get(0).event()).isInstanceOf(EventRaised.class);
            assertThat(again.get(0).executionId()).as("the copy is for whichever execution runs").isNull();
            assertThat(again.get(0).visibleAt()).as("due at the scheduled start").isEqualTo(later);
        }
    }

    private static OrchestrationStore capturingCommits(OrchestrationStore real, AtomicReference<Checkpoint> into) {
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
}
