package io.taskhub.core.memory;

import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.store.Lease;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One instance: its row, the current execution's history, its inbox in arrival order and the lease of the
 * worker holding it. Mutable, guarded by the owning store's lock.
 */
final class StoredInstance {
    InstanceMetadata metadata;
    final List<HistoryEvent> history = new ArrayList<>();
    final List<StoredMessage> inbox = new ArrayList<>();
    Lease lease;

    StoredInstance(InstanceMetadata metadata) {
        this.metadata = metadata;
    }

    String instanceId() {
        return metadata.instanceId();
    }

    long revision() {
        return metadata.revision();
    }

    boolean isHeldBy(Lease claimed) {
        return lease != null && lease.token().equals(claimed.token());
    }

    /** The oldest message deliverable now, or null; the claim order of instances is decided by it. */
    StoredMessage oldestVisible(Instant now) {
        for (StoredMessage m : inbox) {
            if (m.isVisible(now)) {
                return m;
            }
        }
        return null;
    }
}
