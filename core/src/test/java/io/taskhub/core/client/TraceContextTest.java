package io.taskhub.core.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.core.memory.InMemoryStorageBackend;
import io.taskhub.core.telemetry.EngineTracing;
import io.taskhub.core.telemetry.TraceSpan;
import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.OrchestrationWorkItem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The caller's trace context, as a start carries it into the instance's stored start. */
class TraceContextTest {
    private static final String CALLER = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private final InMemoryStorageBackend backend = new InMemoryStorageBackend();
    private final OrchestrationStore store = backend.taskHub("traces");

    @AfterEach
    void close() {
        backend.close();
    }

    private ExecutionStarted storedStart(DefaultTaskhubClient client, StartInstanceRequest request) {
        String id = client.startNew(request);
        Optional<OrchestrationWorkItem> claimed = store.claimOrchestrationWorkItem("test", Duration.ofMinutes(1), 10);
        assertThat(claimed).isPresent();
        assertThat(claimed.get().instanceId()).isEqualTo(id);
        return (ExecutionStarted) claimed.get().messages().get(0).event();
    }

    @Test
    void withoutTracing_theCallersValidContextIsStoredAsItCame() {
        DefaultTaskhubClient client = new DefaultTaskhubClient(store, null);

        assertThat(storedStart(client, StartInstanceRequest.of("O", null).withTraceParent(" " + CALLER + " "))
                .traceParent()).isEqualTo(CALLER);
    }

    @Test
    void anInvalidContext_isIgnored() {
        DefaultTaskhubClient client = new DefaultTaskhubClient(store, null);

        for (String invalid : List.of("garbage", "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01")) {
            assertThat(storedStart(client, StartInstanceRequest.of("O", null).withTraceParent(invalid))
                    .traceParent()).as(invalid).isNull();
        }
    }

    @Test
    void withTracing_theCreationSpansContextIsStored_underTheCallers() {
        List<String> parents = new ArrayList<>();
        String created = "00-4bf92f3577b34da6a3ce929d0e0e4736-1111111111111111-01";
        DefaultTaskhubClient client = new DefaultTaskhubClient(store, null).traceTo(new EngineTracing() {
            @Override
            public TraceSpan creation(String name, String instanceId, String parentTraceParent) {
                parents.add(parentTraceParent);
                return () -> created;
            }
        });

        assertThat(storedStart(client, StartInstanceRequest.of("O", null).withTraceParent(CALLER)).traceParent())
                .isEqualTo(created);
        assertThat(parents).containsExactly(CALLER);
    }
}
