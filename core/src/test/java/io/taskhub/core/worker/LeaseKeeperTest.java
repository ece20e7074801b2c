package io.taskhub.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.store.ActivityTask;
import io.taskhub.ports.store.ActivityWorkItem;
import io.taskhub.ports.store.Lease;
import io.taskhub.ports.store.OrchestrationWorkItem;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the lease keeper's log lines say of the work whose renewal failed: no payloads (log.payloads). */
class LeaseKeeperTest {
    private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

    @Test
    void aStep_isNamedByItsInstance_withoutItsInput() {
        InstanceMetadata instance = InstanceMetadata.builder("order-7", "Order", "x1")
                .runtimeStatus(RuntimeStatus.Running).input("\"card 4111-1111\"").createdAt(NOW).lastUpdatedAt(NOW)
                .build();
        String line = LeaseKeeper.describe(new OrchestrationWorkItem("order-7", instance, List.of(), 1,
                new Lease("w", "t", NOW.plusSeconds(30)), null));

        assertThat(line).isEqualTo("the work item of instance order-7").doesNotContain("4111");
    }

    @Test
    void anActivity_isNamedByItsNameTaskAndInstance_withoutItsInput() {
        String line = LeaseKeeper.describe(new ActivityWorkItem(new ActivityTask("order-7", "x1", 3, "Charge",
                "\"card 4111-1111\""), 1, new Lease("w", "t", NOW.plusSeconds(30)), null));

        assertThat(line).isEqualTo("activity Charge (task 3) of instance order-7").doesNotContain("4111");
    }
}
