package io.taskhub.azure.internal;

import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.models.QueueMessageItem;
import com.azure.storage.queue.models.QueueStorageException;
import com.azure.storage.queue.models.SendMessageResult;
import com.azure.storage.queue.models.UpdateMessageResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Queue calls with the service's rules applied: visibility timeouts are whole seconds (rounded up, so nothing
 * becomes visible early) and at most the configured maximum; messages never expire (time-to-live -1), because a
 * durable timer may wait for months.
 */
final class QueueOps {
    /** The service returns at most 32 messages per receive. */
    public static final int MAX_BATCH = 32;
    private static final Duration NEVER_EXPIRE = Duration.ofSeconds(-1);

    private final Duration maxDelay;

    public QueueOps(Duration maxDelay) {
        this.maxDelay = maxDelay;
    }

    public Duration maxDelay() {
        return maxDelay;
    }

    /** Sends {@code text}, invisible for {@code delay} (capped at the maximum; callers re-enqueue the rest). */
    public SendMessageResult send(QueueClient queue, String text, Duration delay) {
        try {
            return queue.sendMessageWithResponse(text, clamp(delay, Duration.ZERO), NEVER_EXPIRE, null, null)
                    .getValue();
        } catch (RuntimeException e) {
            throw StorageErrors.wrap("send a message to queue " + queue.getQueueName(), e);
        }
    }

    /**
     * Sends {@code text} hidden for {@code visibility} and holds it as if this process had received it: the send's
     * pop receipt renews and deletes it like a receive's, and nobody else sees it before that visibility lapses.
     */
    public HeldMessage sendHeld(QueueClient queue, String text, Duration visibility) {
        Duration hidden = clamp(visibility, Duration.ofSeconds(1));
        Instant until = Instant.now().plus(hidden); // before the call: the safe bound, as for a receive
        SendMessageResult sent = send(queue, text, hidden);
        return new HeldMessage(queue, -1, sent.getMessageId(), sent.getPopReceipt(), until, 0, text);
    }

    /** Receives up to {@code max} messages and hides them for {@code visibility}. */
    public List<HeldMessage> receive(QueueClient queue, int partition, int max, Duration visibility) {
        Duration hidden = clamp(visibility, Duration.ofSeconds(1));
        Instant now = Instant.now();
        List<HeldMessage> received = new ArrayList<>();
        try {
            // The service reports the next-visible time in whole seconds (truncated); the local clock taken before
            // the call is the safe, precise bound.
            Instant until = now.plus(hidden);
            for (QueueMessageItem item : queue.receiveMessages(Math.min(max, MAX_BATCH), hidden, null, null)) {
                received.add(new HeldMessage(queue, partition, item.getMessageId(), item.getPopReceipt(), until,
                        item.getDequeueCount(), item.getBody().toString()));
            }
        } catch (RuntimeException e) {
            throw StorageErrors.wrap("receive messages from queue " + queue.getQueueName(), e);
        }
        return received;
    }

    /**
     * Hides the message for {@code visibility} from now and, when {@code newText} is not null, replaces its body.
     * A renewal ({@code newText} null) of a message given back ({@link HeldMessage#markReleased}) is refused: one
     * that comes late, after the give-back, would hide it again from whoever receives it next.
     *
     * @return false when the pop receipt no longer holds (someone else received the message, or it is gone), or
     *         the renewal was refused
     */
    public boolean update(HeldMessage message, Duration visibility, String newText) {
        Duration hidden = clamp(visibility, Duration.ZERO);
        synchronized (message) {
            if (message.isDeleted() || (newText == null && message.isReleased())) {
                return false;
            }
            return updateLocked(message, hidden, newText);
        }
    }

    private boolean updateLocked(HeldMessage message, Duration hidden, String newText) {
        Instant now = Instant.now();
        try {
            UpdateMessageResult result = message.queue.updateMessage(message.messageId, message.popReceipt(),
                    newText, hidden);
            message.renewed(result.getPopReceipt(), now.plus(hidden));
            return true;
        } catch (QueueStorageException e) {
            if (StorageErrors.isReceiptLost(e)) {
                return false;
            }
            throw StorageErrors.wrap("update message " + message, e);
        } catch (RuntimeException e) {
            throw StorageErrors.wrap("update message " + message, e);
        }
    }

    /** @return false when the pop receipt no longer holds */
    public boolean delete(HeldMessage message) {
        synchronized (message) {
            if (message.isDeleted()) {
                return true;
            }
            return deleteLocked(message);
        }
    }

    private boolean deleteLocked(HeldMessage message) {
        try {
            message.queue.deleteMessage(message.messageId, message.popReceipt());
            message.markDeleted();
            return true;
        } catch (QueueStorageException e) {
            if (StorageErrors.isReceiptLost(e)) {
                return false;
            }
            throw StorageErrors.wrap("delete message " + message, e);
        } catch (RuntimeException e) {
            throw StorageErrors.wrap("delete message " + message, e);
        }
    }

    /** Deletes a message just sent (its first pop receipt holds until it is received); failures are ignored. */
    public void retract(QueueClient queue, SendMessageResult sent) {
        try {
            queue.deleteMessage(sent.getMessageId(), sent.getPopReceipt());
        } catch (RuntimeException ignored) {
            // Received already: the receiver applies the same rules and drops it.
        }
    }

    /** Whole seconds, rounded up, between {@code min} and the maximum delay. */
    Duration clamp(Duration requested, Duration min) {
        long millis = Math.max(requested.toMillis(), min.toMillis());
        Duration seconds = Duration.ofSeconds((millis + 999) / 1000);
        return seconds.compareTo(maxDelay) > 0 ? maxDelay.withNanos(0) : seconds;
    }
}
