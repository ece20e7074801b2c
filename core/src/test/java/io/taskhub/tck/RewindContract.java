package io.taskhub.tck;

import static io.taskhub.tck.Fixtures.newInstanceId;
import static io.taskhub.tck.Fixtures.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskhub.ports.errors.InstanceNotFoundException;
import io.taskhub.ports.history.ExecutionRewound;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.OrchestrationWorkItem;
import org.junit.jupiter.api.Test;

/**
 * A rewind is stored with its instance reopened, in one step: no read after the rewind was accepted reports the
 * ended execution's Failed state.
 */
public abstract class RewindContract extends StoreContractSupport {

    private static InstanceMessage rewind(String instanceId) {
        return InstanceMessage.of(instanceId, new ExecutionRewound(Fixtures.now(), "fixed"));
    }

    @Test
    void reopenForRewind_ofAFailedInstance_readsPendingAtOnce_andDeliversTheRewind() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        InstanceMetadata failed = createAndCheckpoint(store, id, started("Order", null), row -> row
                .runtimeStatus(RuntimeStatus.Failed).failure(Fixtures.failure()).output(null)
                .completedAt(Fixtures.now()));

        assertThat(store.reopenForRewind(id, rewind(id))).isTrue();

        InstanceMetadata reopened = store.getInstance(id).orElseThrow();
        assertThat(reopened.runtimeStatus()).isEqualTo(RuntimeStatus.Pending);
        assertThat(reopened.failure()).isNull();
        assertThat(reopened.completedAt()).as("kept: the mark of an instance awaiting its rewind").isNotNull();
        assertThat(reopened.revision()).isGreaterThan(failed.revision());
        OrchestrationWorkItem item = claimFor(store, id);
        assertThat(item.instance().runtimeStatus()).isEqualTo(RuntimeStatus.Pending);
        assertThat(item.messages()).singleElement()
                .satisfies(m -> assertThat(m.event()).isInstanceOf(ExecutionRewound.class));
    }

    @Test
    void reopenForRewind_ofAnInstanceThatIsNotFailed_storesNothing() {
        OrchestrationStore store = newTaskHub();
        String id = newInstanceId();
        createAndCheckpoint(store, id, started("Order", null), row -> row.runtimeStatus(RuntimeStatus.Running));

        assertThat(store.reopenForRewind(id, rewind(id))).isFalse();
        assertThat(store.getInstance(id).orElseThrow().runtimeStatus()).isEqualTo(RuntimeStatus.Running);
        assertNoOrchestrationWork(store);
        assertThatThrownBy(() -> store.reopenForRewind("no-such-instance", rewind("no-such-instance")))
                .isInstanceOf(InstanceNotFoundException.class);
    }
}
