package io.taskhub.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.ports.history.EventRaised;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.Checkpoint;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.OrchestrationWorkItem;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Revisions, as the reference store gives them: +1 per checkpoint, and never reused by a recreated id. */
class InstanceRevisionTest {
    @RegisterExtension
    static final SchemaPerClass schema = new SchemaPerClass();

    @Test
    void purgedAndRecreatedId_startsAboveEveryRevisionTheOldInstanceHad() {
        OrchestrationStore store = schema.backend().taskHub("revisions");
        store.createInstance("again", started(), Set.of());
        long created = store.getInstance("again").orElseThrow().revision();
        for (int i = 0; i < 20; i++) {
            store.sendMessages(List.of(InstanceMessage.of("again", new EventRaised(Instant.now(), "e" + i, null))));
            OrchestrationWorkItem item = store.claimOrchestrationWorkItem("w", Duration.ofMinutes(1), 100)
                    .orElseThrow();
            store.completeOrchestrationWorkItem(item, new Checkpoint(item.instance().toBuilder()
                    .runtimeStatus(RuntimeStatus.Running).build(), List.of(), false, List.of(), List.of()));
        }
        InstanceMetadata old = store.getInstance("again").orElseThrow();
        assertThat(old.revision()).as("one more per checkpoint").isEqualTo(created + 20);

        assertThat(store.purgeInstance("again", Set.of(RuntimeStatus.Running))).isTrue();
        store.createInstance("again", started(), Set.of());

        assertThat(store.getInstance("again").orElseThrow().revision()).isGreaterThan(old.revision());
    }

    private static ExecutionStarted started() {
        return new ExecutionStarted(Instant.now(), "Again", null, null, UUID.randomUUID().toString(), null,
                null, Map.of());
    }
}
