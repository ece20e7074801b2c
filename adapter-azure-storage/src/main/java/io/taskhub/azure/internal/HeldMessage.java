package io.taskhub.azure.internal;

import com.azure.storage.queue.QueueClient;
import java.time.Instant;

/**
 * A queue message this process has received and not yet deleted. The pop receipt changes with every visibility
 * update, and several threads (the claimant, the lease renewer, the keep-alive) may update it, so it is
 * mutable, and every call that uses it holds the object's lock (a renewal racing a deletion would otherwise
 * make the deletion fail with a stale receipt).
 */
final class HeldMessage {
    final QueueClient queue;
    final int partition;
    final String messageId;
    final long dequeueCount;
    final String text;
    private String popReceipt;
    private Instant visibleUntil;
    private boolean deleted;
    private boolean released;

    HeldMessage(QueueClient queue, int partition, String messageId, String popReceipt, Instant visibleUntil,
            long dequeueCount, String text) {
        this.queue = queue;
        this.partition = partition;
        this.messageId = messageId;
        this.popReceipt = popReceipt;
        this.visibleUntil = visibleUntil;
        this.dequeueCount = dequeueCount;
        this.text = text;
    }

    synchronized String popReceipt() {
        return popReceipt;
    }

    synchronized Instant visibleUntil() {
        return visibleUntil;
    }

    synchronized void renewed(String receipt, Instant until) {
        popReceipt = receipt;
        visibleUntil = until;
    }

    synchronized boolean isDeleted() {
        return deleted;
    }

    synchronized void markDeleted() {
        deleted = true;
    }

    /** Given back (abandoned): this process no longer holds it, though the receipt may still work. */
    synchronized boolean isReleased() {
        return released;
    }

    synchronized void markReleased() {
        released = true;
    }

    @Override
    public String toString() {
        return queue.getQueueName() + "/" + messageId;
    }
}
