package io.taskhub.core.memory;

import io.taskhub.ports.store.InstanceMessage;
import java.time.Instant;

/** One inbox entry; mutable, guarded by the owning store's lock. */
final class StoredMessage {
    final long sequence;
    final InstanceMessage message;
    Instant visibleAt;
    int dequeueCount;

    StoredMessage(long sequence, InstanceMessage message, Instant visibleAt) {
        this.sequence = sequence;
        this.message = message;
        this.visibleAt = visibleAt;
    }

    boolean isVisible(Instant now) {
        return !visibleAt.isAfter(now);
    }
}
