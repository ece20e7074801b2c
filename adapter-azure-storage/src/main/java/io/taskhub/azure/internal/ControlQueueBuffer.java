package io.taskhub.azure.internal;

import com.azure.storage.queue.QueueClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Control-queue messages this process received, grouped by instance, and the instances it is processing. A
 * receive returns up to 32 messages of many instances; the messages of an instance that is being processed wait
 * here (kept invisible) and form its next work item, so a fan-in of many results does not cycle messages
 * through the queue. Only one thread receives at a time.
 */
public final class ControlQueueBuffer implements PartitionManager.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(ControlQueueBuffer.class);
    private static final int MAX_BUFFERED_PER_PARTITION = 512;

    private final QueueOps queues;
    private final MessageCodec codec;
    private final IntFunction<QueueClient> controlQueues;
    private final Object lock = new Object();
    private final ReentrantLock receiving = new ReentrantLock();
    private final Map<Integer, Map<String, List<Buffered>>> buffers = new HashMap<>();
    private final Map<String, Active> active = new HashMap<>();
    private final Map<Integer, Integer> activePerPartition = new HashMap<>();
    private final Map<Integer, Duration> visibilityPerPartition = new HashMap<>();
    /** Messages of work items in progress, by message id: a copy received again refreshes their receipt. */
    private final Map<String, HeldMessage> inProgress = new HashMap<>();
    private final ParallelIo parallel;

    /** A received message with its decoded body. */
    public record Buffered(HeldMessage held, Envelope envelope) {
    }

    /**
     * An instance taken for processing: its partition, the ownership epoch, its oldest messages, and the token
     * that unlocks it (so a late unlock of an earlier work item cannot unlock a newer one).
     */
    public record Taken(String instanceId, int partition, long epoch, List<Buffered> messages, String token) {
    }

    private record Active(int partition, String token, List<Buffered> messages) {
    }

    public ControlQueueBuffer(QueueOps queues, MessageCodec codec, IntFunction<QueueClient> controlQueues,
            ParallelIo parallel) {
        this.parallel = parallel;
        this.queues = queues;
        this.codec = codec;
        this.controlQueues = controlQueues;
    }

    /**
     * Takes the unlocked instance whose oldest buffered message is the oldest, with up to {@code maxMessages} of
     * its messages in send order, and locks it. Null when no buffered instance is ready.
     */
    public Taken take(Map<Integer, Long> claimable, int maxMessages) {
        synchronized (lock) {
            String best = null;
            int bestPartition = -1;
            long oldest = Long.MAX_VALUE;
            for (Map.Entry<Integer, Long> partition : claimable.entrySet()) {
                Map<String, List<Buffered>> instances = buffers.get(partition.getKey());
                if (instances == null) {
                    continue;
                }
                for (Map.Entry<String, List<Buffered>> instance : instances.entrySet()) {
                    if (active.containsKey(instance.getKey()) || instance.getValue().isEmpty()) {
                        continue;
                    }
                    long first = instance.getValue().get(0).envelope().ts();
                    if (first < oldest) {
                        oldest = first;
                        best = instance.getKey();
                        bestPartition = partition.getKey();
                    }
                }
            }
            if (best == null) {
                return null;
            }
            List<Buffered> messages = buffers.get(bestPartition).get(best);
            List<Buffered> taken = new ArrayList<>(messages.subList(0, Math.min(maxMessages, messages.size())));
            messages.subList(0, taken.size()).clear();
            if (messages.isEmpty()) {
                buffers.get(bestPartition).remove(best);
            }
            String token = java.util.UUID.randomUUID().toString();
            active.put(best, new Active(bestPartition, token, taken));
            taken.forEach(b -> inProgress.put(b.held().messageId, b.held()));
            activePerPartition.merge(bestPartition, 1, Integer::sum);
            return new Taken(best, bestPartition, claimable.get(bestPartition), taken, token);
        }
    }

    /**
     * Receives from every claimable partition (one thread at a time; a thread that finds another receiving waits
     * for it and receives nothing itself). Returns how many messages arrived.
     */
    public int receive(Map<Integer, Long> claimable, Duration visibility) {
        if (!receiving.tryLock()) {
            receiving.lock(); // someone is receiving: wait for the result instead of receiving again
            receiving.unlock();
            return 1;
        }
        try {
            int total = 0;
            for (int partition : claimable.keySet()) {
                if (buffered(partition) >= MAX_BUFFERED_PER_PARTITION) {
                    continue; // enough waiting already (a big fan-in): do not hold more invisible
                }
                List<HeldMessage> received = queues.receive(controlQueues.apply(partition), partition,
                        QueueOps.MAX_BATCH, visibility);
                total += received.size();
                add(partition, received, visibility);
            }
            return total;
        } finally {
            receiving.unlock();
        }
    }

    private void add(int partition, List<HeldMessage> received, Duration visibility) {
        List<Buffered> decoded = new ArrayList<>(received.size());
        for (HeldMessage held : received) {
            try {
                decoded.add(new Buffered(held, codec.decodeEnvelope(held.text)));
            } catch (RuntimeException e) {
                LOG.error("Dropping unreadable message {} from {}: {}", held.messageId, held.queue.getQueueName(),
                        e.getMessage());
                queues.delete(held);
            }
        }
        synchronized (lock) {
            visibilityPerPartition.put(partition, visibility);
            Map<String, List<Buffered>> instances = buffers.computeIfAbsent(partition, k -> new LinkedHashMap<>());
            for (Buffered message : decoded) {
                HeldMessage processing = inProgress.get(message.held().messageId);
                if (processing != null) {
                    // Its visibility lapsed while its work item ran and we received it again: the work item
                    // keeps it, with the new receipt.
                    processing.renewed(message.held().popReceipt(), message.held().visibleUntil());
                    continue;
                }
                List<Buffered> list = instances.computeIfAbsent(message.envelope().iid(), k -> new ArrayList<>());
                // The same message again (its visibility lapsed while buffered): keep the fresh receipt.
                list.removeIf(b -> b.held().messageId.equals(message.held().messageId));
                list.add(message);
                list.sort(Comparator.comparingLong(b -> b.envelope().ts()));
            }
        }
    }

    /** Returns taken messages to the buffer (the claim could not be completed) and unlocks the instance. */
    public void putBack(Taken taken) {
        synchronized (lock) {
            Map<String, List<Buffered>> instances = buffers.computeIfAbsent(taken.partition(), k -> new LinkedHashMap<>());
            List<Buffered> list = instances.computeIfAbsent(taken.instanceId(), k -> new ArrayList<>());
            list.addAll(0, taken.messages());
            list.sort(Comparator.comparingLong(b -> b.envelope().ts()));
        }
        unlock(taken.instanceId(), taken.token());
    }

    /** Unlocks the instance if {@code token} still holds it. */
    public void unlock(String instanceId, String token) {
        synchronized (lock) {
            Active held = active.get(instanceId);
            if (held != null && held.token().equals(token)) {
                active.remove(instanceId);
                held.messages().forEach(b -> inProgress.remove(b.held().messageId));
                activePerPartition.merge(held.partition(), -1, Integer::sum);
            }
        }
    }

    @Override
    public int inFlight(int partition) {
        synchronized (lock) {
            return activePerPartition.getOrDefault(partition, 0);
        }
    }

    /** Lost or handed over: makes the buffered messages visible at once for the next owner. */
    @Override
    public void released(int partition) {
        Map<String, List<Buffered>> dropped;
        synchronized (lock) {
            dropped = buffers.remove(partition);
        }
        if (dropped == null) {
            return;
        }
        for (List<Buffered> list : dropped.values()) {
            for (Buffered b : list) {
                try {
                    queues.update(b.held(), Duration.ZERO, codec.encode(b.envelope().withBenign(b.envelope().bn() + 1)));
                } catch (RuntimeException e) {
                    LOG.debug("Could not release message {}: {}", b.held(), e.getMessage());
                }
            }
        }
    }

    /** Renews buffered messages that would become visible within half their visibility timeout. */
    public void keepAlive() {
        List<Buffered> due = new ArrayList<>();
        Map<Integer, Duration> visibilities;
        synchronized (lock) {
            visibilities = new HashMap<>(visibilityPerPartition);
            Instant now = Instant.now();
            buffers.forEach((partition, instances) -> {
                Duration visibility = visibilities.getOrDefault(partition, Duration.ofSeconds(30));
                Instant soon = now.plus(visibility.dividedBy(2));
                instances.values().forEach(list -> list.forEach(b -> {
                    if (b.held().visibleUntil().isBefore(soon)) {
                        due.add(b);
                    }
                }));
            });
        }
        List<Runnable> renewals = new ArrayList<>();
        for (Buffered b : due) {
            Duration visibility = visibilities.getOrDefault(b.held().partition, Duration.ofSeconds(30));
            renewals.add(() -> {
                try {
                    if (!queues.update(b.held(), visibility, null)) {
                        forget(b);
                    }
                } catch (RuntimeException e) {
                    LOG.debug("Could not renew buffered message {}: {}", b.held(), e.getMessage());
                }
            });
        }
        parallel.runAll(renewals);
    }

    private void forget(Buffered b) {
        synchronized (lock) {
            Map<String, List<Buffered>> instances = buffers.get(b.held().partition);
            if (instances == null) {
                return;
            }
            List<Buffered> list = instances.get(b.envelope().iid());
            if (list != null) {
                list.remove(b);
                if (list.isEmpty()) {
                    instances.remove(b.envelope().iid());
                }
            }
        }
    }

    /** Forgets everything (the task hub is being deleted or the store closed). */
    public void clear() {
        synchronized (lock) {
            buffers.clear();
        }
    }

    private int buffered(int partition) {
        synchronized (lock) {
            Map<String, List<Buffered>> instances = buffers.get(partition);
            int n = 0;
            if (instances != null) {
                for (List<Buffered> list : instances.values()) {
                    n += list.size();
                }
            }
            return n;
        }
    }
}
