package io.taskhub.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.ports.errors.LockLostException;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.ActivityTask;
import io.taskhub.ports.store.ActivityWorkItem;
import io.taskhub.ports.store.Lease;
import io.taskhub.ports.store.OrchestrationWorkItem;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A lost lease is logged as what happened, not always as "another worker will redo it". */
class LostWorkTest {
    private static final Instant CREATED = Instant.parse("2026-12-05T10:00:00Z");
    private static final LockLostException LOST = new LockLostException("lease gone");

    private static InstanceMetadata instance(String executionId, Instant created) {
        return InstanceMetadata.builder("order-7", "Order", executionId).runtimeStatus(RuntimeStatus.Running)
                .createdAt(created).lastUpdatedAt(created).build();
    }

    private static OrchestrationWorkItem step() {
        return new OrchestrationWorkItem("order-7", instance("x1", CREATED), List.of(), 1,
                new Lease("w", "t", CREATED.plusSeconds(30)), null);
    }

    private static ActivityWorkItem task() {
        return new ActivityWorkItem(new ActivityTask("order-7", "x1", 0, "Charge", null), 1,
                new Lease("w", "t", CREATED.plusSeconds(30)), null);
    }

    @Test
    void aStepOfAnInstancePurgedMeanwhile_saysSo() {
        LostWork.Explanation why = LostWork.step(step(), Optional.empty(), LOST);
        assertThat(why.level()).isEqualTo(System.Logger.Level.INFO);
        assertThat(why.text()).contains("order-7").contains("was purged while the step ran")
                .doesNotContain("another worker");
    }

    @Test
    void aStepOfAnInstanceReplacedMeanwhile_saysSo() {
        LostWork.Explanation why = LostWork.step(step(), Optional.of(instance("x2", CREATED.plusSeconds(5))), LOST);
        assertThat(why.text()).contains("was replaced").doesNotContain("another worker");
    }

    @Test
    void aStepWhoseLeaseRanOut_isAWarningThatAnotherWorkerRedoesIt() {
        LostWork.Explanation why = LostWork.step(step(), Optional.of(instance("x1", CREATED)), LOST);
        assertThat(why.level()).isEqualTo(System.Logger.Level.WARNING);
        assertThat(why.text()).contains("lease was lost (lease gone)").contains("another worker will redo it");
        assertThat(LostWork.step(step(), null, LOST).text()).as("unknown: the lease explanation")
                .contains("another worker will redo it");
    }

    @Test
    void anActivityResult_isExplainedTheSameWay() {
        assertThat(LostWork.activity(task(), Optional.empty(), LOST).text()).contains("purged while it ran");
        assertThat(LostWork.activity(task(), Optional.of(instance("x2", CREATED)), LOST).text())
                .contains("another execution");
        assertThat(LostWork.activity(task(), Optional.of(instance("x1", CREATED)), LOST).text())
                .contains("runs again elsewhere");
    }
}
