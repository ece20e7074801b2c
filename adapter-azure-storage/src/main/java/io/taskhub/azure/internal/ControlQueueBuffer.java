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
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Control-queue messages this process received, grouped by instance, and the instances it is processing (the
 * in-process lock). A receive returns up to 32 messages of many instances; the messages of an instance that is
 * being processed wait here (kept invisible) and form its next work item, so a fan-in of many results does not
 * cycle messages through the queue. Only one thread receives at a time.
 *
 * <p>A lock expires with its work item's lease: another claim may then take the instance over (once its
 * messages come back from the queue), and the old holder's token no longer holds.
 */
final class ControlQueueBuffer implements PartitionManager.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(ControlQueueBuffer.class);
    private static final int MAX_BUFFERED_PER_PARTITION = 512;
    private static final int MAX_RECEIVES_PER_PARTITION = 4;
    /** A buffered message closer than this to becoming visible is left to come back rather than handed out. */
    private static final Duration MIN_REMAINING = Duration.ofMillis(500);
    /** How long an expired lock waits for its messages to come back before it is taken over regardless. */
    private static final Duration TAKE_OVER_GRACE = Duration.ofMinutes(1);

    private final QueueOps queues;
    private final MessageCodec codec;
    private final IntFunction<QueueClient> controlQueues;
    private final ParallelIo parallel;
    private final Object lock = new Object();
    private final ReentrantLock receiving = new ReentrantLock();
    private final Map<Integer, Map<String, List<Buffered>>> buffers = new HashMap<>();
    private final Map<String, Active> active = new HashMap<>();
    /** Messages of work items in progress, by message id: a copy received again refreshes their receipt. */
    private final Map<String, Active> inProgress = new HashMap<>();
    private final Map<Integer, Duration> visibilityPerPartition = new HashMap<>();
    /** The epoch under which each partition's buffered messages were received: the keep-alive checks it. */
    private final Map<Integer, Long> epochPerPartition = new HashMap<>();
    /** Instances whose claim failed, with when they may be taken again (see {@link #putBack}). */
    private final Map<String, Instant> backedOff = new HashMap<>();
    /**
     * Receipts that are not attempts, by message id: {dequeue count last seen, receipts not counted, partition}. A
     * message
     * this process kept all along that came back to it (its visibility lapsed while it waited here, or while a
     * step that still holds it ran) was not given to a step again, so that receipt is not an attempt at one;
     * a receipt after a step's lease ran out, or in another process (this one crashed), is.
     */
    private final Map<String, long[]> receipts = new HashMap<>();
    private final ReceiveBackoff backoff;
    /** Whether this worker still holds a partition under an epoch; set once the partition manager exists. */
    private volatile Ownership ownership = (partition, epoch) -> true;

    /** Whether this worker still holds {@code partition} under {@code epoch}. */
    @FunctionalInterface
    public interface Ownership {
        /** Held until lost or handed over ({@link #released} follows at once). */
        boolean holds(int partition, long epoch);

        /**
         * Held, and its lease has not run out: a lease that lapsed unrenewed (rounds late or failing) may already
         * be another worker's, whose receives must find the partition's messages.
         */
        default boolean leased(int partition, long epoch) {
            return holds(partition, epoch);
        }
    }

    /** A received message with its decoded body. */
    public record Buffered(HeldMessage held, Envelope envelope) {
    }

    /**
     * An instance taken for processing: its partition, the ownership epoch, its oldest messages, and the token
     * of the lock (so that a late unlock of an earlier work item cannot unlock a newer one).
     */
    public record Taken(String instanceId, int partition, long epoch, List<Buffered> messages, String token) {
    }

    private static final class Active {
        final int partition;
        final String token;
        final List<Buffered> messages;
        volatile Instant expiresAt;
        volatile Object claim;

        Active(int partition, String token, List<Buffered> messages, Instant expiresAt) {
            this.partition = partition;
            this.token = token;
            this.messages = messages;
            this.expiresAt = expiresAt;
        }

        boolean isValid(Instant now) {
            return now.isBefore(expiresAt);
        }
    }

    public ControlQueueBuffer(QueueOps queues, MessageCodec codec, IntFunction<QueueClient> controlQueues,
            ParallelIo parallel, ReceiveBackoff backoff) {
        this.backoff = backoff;
        this.queues = queues;
        this.codec = codec;
        this.controlQueues = controlQueues;
        this.parallel = parallel;
    }

    /**
     * Checks, for every receive, that the partition it received from is still this worker's
     * ({@link PartitionManager#holds}): a partition lost while its receive was under way must not keep what that
     * receive returned, which nobody here would process and this buffer would keep invisible for as long as the
     * process lives (its next owner would never see it).
     */
    public void checkOwnershipWith(Ownership ownership) {
        this.ownership = ownership;
    }

    /**
     * Takes the instance whose oldest buffered message is the oldest among instances not locked, with up to
     * {@code maxMessages} of its messages in send order, and locks it. Null when no buffered instance is ready.
     */
    public Taken take(Map<Integer, Long> claimable, int maxMessages) {
        Instant now = Instant.now();
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
                    Active holder = active.get(instance.getKey());
                    if (holder != null && !canTakeOver(holder, now)) {
                        continue; // its messages wait here, and the keep-alive renews them meanwhile
                    }
                    Instant notBefore = backedOff.get(instance.getKey());
                    if (notBefore != null && now.isBefore(notBefore)) {
                        continue; // its last claim failed a moment ago
                    }
                    List<Buffered> messages = instance.getValue();
                    // About to become visible again: let it come back with a fresh receipt instead.
                    messages.removeIf(b -> b.held().visibleUntil().isBefore(now.plus(MIN_REMAINING)));
                    if (messages.isEmpty()) {
                        continue;
                    }
                    long first = messages.get(0).envelope().ts();
                    if (first < oldest) {
                        oldest = first;
                        best = instance.getKey();
                        bestPartition = partition.getKey();
                    }
                }
                instances.values().removeIf(List::isEmpty);
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
            backedOff.remove(best);
            Active previous = active.get(best);
            Active holder = new Active(bestPartition, UUID.randomUUID().toString(), new ArrayList<>(taken),
                    now.plusSeconds(60));
            taken.forEach(b -> inProgress.put(b.held().messageId, holder));
            if (previous != null) {
                forgetLocked(best, previous); // its lease ran out: taken over (what it held and this took stays)
            }
            active.put(best, holder);
            return new Taken(best, bestPartition, claimable.get(bestPartition), taken, holder.token);
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
            if (!backoff.mayReceive()) {
                return 0; // the queues were empty a moment ago and nothing was sent since
            }
            long sends = backoff.sends();
            int total = 0;
            for (int partition : claimable.keySet()) {
                for (int round = 0; round < MAX_RECEIVES_PER_PARTITION; round++) {
                    if (buffered(partition) >= MAX_BUFFERED_PER_PARTITION) {
                        break; // enough waiting already (a big fan-in): do not hold more invisible
                    }
                    List<HeldMessage> received = queues.receive(controlQueues.apply(partition), partition,
                            QueueOps.MAX_BATCH, visibility);
                    total += received.size();
                    add(partition, claimable.get(partition), received, visibility);
                    if (received.size() < QueueOps.MAX_BATCH) {
                        break;
                    }
                }
            }
            backoff.received(total, sends);
            return total;
        } finally {
            receiving.unlock();
        }
    }

    private void add(int partition, long epoch, List<HeldMessage> received, Duration visibility) {
        List<Buffered> decoded = new ArrayList<>(received.size());
        for (HeldMessage held : received) {
            try {
                decoded.add(new Buffered(held, codec.decodeEnvelope(held.text)));
            } catch (RuntimeException e) {
                LOG.error("Dropping unreadable message {}: {}", held, e.getMessage());
                queues.delete(held);
            }
        }
        Instant now = Instant.now();
        synchronized (lock) {
            // Checked under the lock that released() takes: either the partition is still held here, and its
            // release to come gives back what is buffered now, or it is gone, and these go back at once.
            if (!ownership.holds(partition, epoch)) {
                LOG.debug("Partition {} was lost while receiving: {} messages go back to its next owner.", partition,
                        decoded.size());
            } else {
                buffer(partition, epoch, decoded, visibility, now);
                return;
            }
        }
        giveBack(decoded, Map.of(), Duration.ZERO);
    }

    private void buffer(int partition, long epoch, List<Buffered> decoded, Duration visibility, Instant now) {
        visibilityPerPartition.put(partition, visibility);
        epochPerPartition.put(partition, epoch);
        Map<String, List<Buffered>> instances = buffers.computeIfAbsent(partition, k -> new LinkedHashMap<>());
        for (Buffered message : decoded) {
            Active processing = inProgress.get(message.held().messageId);
            countReceipt(message.held(), processing, now);
            if (processing != null && processing.isValid(now)) {
                // Its visibility lapsed while its work item ran and it came back: the work item keeps it,
                // with the new receipt.
                refresh(processing, message.held());
                continue;
            }
            if (processing != null) {
                inProgress.remove(message.held().messageId); // returned from an expired work item
            }
            List<Buffered> list = instances.computeIfAbsent(message.envelope().iid(), k -> new ArrayList<>());
            // The same message again (its visibility lapsed while buffered): keep the fresh receipt.
            list.removeIf(b -> b.held().messageId.equals(message.held().messageId));
            list.add(message);
            list.sort(Comparator.comparingLong(b -> b.envelope().ts()));
        }
    }

    private void countReceipt(HeldMessage held, Active processing, Instant now) {
        long[] seen = receipts.get(held.messageId);
        if (seen == null) {
            receipts.put(held.messageId, new long[] {held.dequeueCount, 0, held.partition});
            return;
        }
        boolean keptHere = processing == null || processing.isValid(now);
        if (keptHere) {
            seen[1] += Math.max(0, held.dequeueCount - seen[0]);
        }
        seen[0] = held.dequeueCount;
    }

    /**
     * The body to write when the message goes back to the queue, as an attempt ({@code counted}: an abandoned
     * step) or not (a work item given back unstarted: then its last receipt, the claim's, is not an attempt
     * either): its receipts that were not attempts are added to its deferrals, so that the next process does not
     * count them; null when there are none (the body stays).
     */
    public String bodyForReturn(Buffered b, boolean counted) {
        long notAttempts = receiptsNotAttempts(b.held()) + (counted ? 0 : 1);
        return notAttempts == 0 ? null
                : codec.encode(b.envelope().withBenign(b.envelope().bn() + (int) notAttempts));
    }

    /** How many receipts of this message were not attempts (see {@link #receipts}). */
    public long receiptsNotAttempts(HeldMessage held) {
        synchronized (lock) {
            long[] seen = receipts.get(held.messageId);
            return seen == null ? 0 : seen[1];
        }
    }

    /**
     * An expired lock is taken over once its messages came back from the queue (their visibility lapsed and a
     * receive returned them, counting a delivery), so the next work item has them all, with fresh receipts.
     */
    private boolean canTakeOver(Active holder, Instant now) {
        if (holder.isValid(now)) {
            return false;
        }
        boolean allReturned = holder.messages.stream().noneMatch(b -> inProgress.get(b.held().messageId) == holder);
        return allReturned || now.isAfter(holder.expiresAt.plus(TAKE_OVER_GRACE));
    }

    private static void refresh(Active processing, HeldMessage fresh) {
        for (Buffered b : processing.messages) {
            if (b.held().messageId.equals(fresh.messageId)) {
                b.held().renewed(fresh.popReceipt(), fresh.visibleUntil());
            }
        }
    }

    /**
     * Returns taken messages to this buffer, in their order, and unlocks the instance: the claim could not be
     * completed. Only while the partition is still held under the claim's epoch (checked under the lock that
     * {@link #released} takes): otherwise they go back to the queue at once, for its next owner, which would never
     * see them while this process kept them invisible. After a failure ({@code backOff} above zero) the instance
     * is not taken again for that long, so that a failure that repeats does not keep every claim of this process
     * on it instead of on the other instances and on receiving.
     */
    public void putBack(Taken taken, Duration backOff) {
        boolean held;
        Map<String, Long> notAttempts = new HashMap<>();
        synchronized (lock) {
            held = ownership.holds(taken.partition(), taken.epoch());
            if (held) {
                Map<String, List<Buffered>> instances = buffers.computeIfAbsent(taken.partition(),
                        k -> new LinkedHashMap<>());
                List<Buffered> list = instances.computeIfAbsent(taken.instanceId(), k -> new ArrayList<>());
                list.addAll(0, taken.messages());
                list.sort(Comparator.comparingLong(b -> b.envelope().ts()));
                epochPerPartition.putIfAbsent(taken.partition(), taken.epoch());
                if (!backOff.isZero()) {
                    backedOff.put(taken.instanceId(), Instant.now().plus(backOff));
                }
                Active holder = active.get(taken.instanceId());
                if (holder != null && holder.token.equals(taken.token())) {
                    // Waiting here again, not given back to the queue: the unlock keeps what their receipts were.
                    taken.messages().forEach(b -> inProgress.remove(b.held().messageId, holder));
                }
            } else {
                for (Buffered b : taken.messages()) {
                    long[] seen = receipts.get(b.held().messageId);
                    notAttempts.put(b.held().messageId, seen == null ? 0 : seen[1]);
                }
            }
        }
        unlock(taken.instanceId(), taken.token());
        if (!held) {
            giveBack(taken.messages(), notAttempts, Duration.ZERO);
        }
    }

    /** True while {@code token} holds the instance and its lease has not run out. */
    public boolean isHeld(String instanceId, String token) {
        synchronized (lock) {
            Active holder = active.get(instanceId);
            return holder != null && holder.token.equals(token) && holder.isValid(Instant.now());
        }
    }

    /** True while {@code token} is the instance's latest lock (expired or not: nobody took over). */
    public boolean isLatest(String instanceId, String token) {
        synchronized (lock) {
            Active holder = active.get(instanceId);
            return holder != null && holder.token.equals(token);
        }
    }

    /** Sets when the lock of {@code token} expires (its work item's lease). */
    public void expireAt(String instanceId, String token, Instant expiresAt) {
        synchronized (lock) {
            Active holder = active.get(instanceId);
            if (holder != null && holder.token.equals(token)) {
                holder.expiresAt = expiresAt;
            }
        }
    }

    /**
     * Attaches what the claim found to the lock of {@code token} (read back by {@link #claimOf}) and narrows the
     * lock's messages to those the work item kept: the others were deleted or went back to the queue, and when
     * they come back they must be buffered, not mistaken for the work item's.
     */
    public void attach(String instanceId, String token, Object claim, List<Buffered> kept) {
        synchronized (lock) {
            Active holder = active.get(instanceId);
            if (holder != null && holder.token.equals(token)) {
                holder.claim = claim;
                for (Buffered b : holder.messages) {
                    if (!kept.contains(b)) {
                        inProgress.remove(b.held().messageId, holder);
                        receipts.remove(b.held().messageId); // deleted, or put back (its body counts that)
                    }
                }
                holder.messages.retainAll(kept);
            }
        }
    }

    /** What the instance's current (unexpired) claim attached, or null. */
    public Object claimOf(String instanceId) {
        synchronized (lock) {
            Active holder = active.get(instanceId);
            return holder != null && holder.isValid(Instant.now()) ? holder.claim : null;
        }
    }

    /** Unlocks the instance if {@code token} still holds it. */
    public void unlock(String instanceId, String token) {
        synchronized (lock) {
            Active holder = active.get(instanceId);
            if (holder != null && holder.token.equals(token)) {
                forgetLocked(instanceId, holder);
            }
        }
    }

    private void forgetLocked(String instanceId, Active holder) {
        active.remove(instanceId);
        holder.messages.forEach(b -> {
            if (inProgress.remove(b.held().messageId, holder)) {
                receipts.remove(b.held().messageId); // done with, or back to the queue as an attempt
            }
        });
    }

    @Override
    public int inFlight(int partition) {
        Instant now = Instant.now();
        synchronized (lock) {
            return (int) active.values().stream().filter(a -> a.partition == partition && a.isValid(now)).count();
        }
    }

    /** Lost or handed over: makes the buffered messages visible at once for the next owner. */
    @Override
    public void released(int partition) {
        Map<String, Long> notAttempts = new HashMap<>();
        List<Buffered> dropped;
        synchronized (lock) {
            dropped = removePartitionLocked(partition, notAttempts);
        }
        giveBack(dropped, notAttempts, Duration.ZERO);
    }

    /** Takes the partition's buffered messages out, with their receipts that were not attempts. */
    private List<Buffered> removePartitionLocked(int partition, Map<String, Long> notAttempts) {
        Map<String, List<Buffered>> dropped = buffers.remove(partition);
        epochPerPartition.remove(partition);
        List<Buffered> messages = new ArrayList<>();
        if (dropped != null) {
            backedOff.keySet().removeAll(dropped.keySet());
            dropped.values().forEach(list -> list.forEach(b -> {
                long[] seen = receipts.get(b.held().messageId);
                notAttempts.put(b.held().messageId, seen == null ? 0 : seen[1]);
                messages.add(b);
            }));
        }
        receipts.values().removeIf(seen -> seen[2] == partition); // its messages go to their next owner
        return messages;
    }

    /**
     * Makes messages visible after {@code delay} (at once for a partition's next owner). This release and the
     * receipts here that were not attempts ({@code notAttempts}, by message id) are added to their deferrals: the
     * next receiver counts neither.
     */
    private void giveBack(List<Buffered> messages, Map<String, Long> notAttempts, Duration delay) {
        List<Runnable> releases = new ArrayList<>();
        for (Buffered b : messages) {
            int benignNow = 1 + notAttempts.getOrDefault(b.held().messageId, 0L).intValue();
            b.held().markReleased(); // a renewal under way for the keep-alive must not hide it again
            releases.add(() -> {
                try {
                    Envelope benign = b.envelope().withBenign(b.envelope().bn() + benignNow);
                    queues.update(b.held(), delay, codec.encode(benign));
                } catch (RuntimeException e) {
                    LOG.debug("Could not release message {}: {}", b.held(), e.getMessage());
                }
            });
        }
        parallel.runAll(releases);
    }

    /**
     * Renews buffered messages that would become visible within half their visibility timeout, only while their
     * partition's lease lasts; gives back at once those of a partition no longer held (a release the buffer
     * missed must not hide them from the next owner for as long as this process lives).
     */
    public void keepAlive() {
        List<Buffered> due = new ArrayList<>();
        List<Buffered> notHeld = new ArrayList<>();
        Map<String, Long> notAttempts = new HashMap<>();
        Map<Integer, Duration> visibilities;
        synchronized (lock) {
            visibilities = new HashMap<>(visibilityPerPartition);
            Instant now = Instant.now();
            for (Integer partition : List.copyOf(buffers.keySet())) {
                Long epoch = epochPerPartition.get(partition);
                if (epoch == null || !ownership.holds(partition, epoch)) {
                    List<Buffered> removed = removePartitionLocked(partition, notAttempts);
                    if (!removed.isEmpty()) {
                        LOG.info("Giving back {} buffered messages of partition {}, which this worker no longer"
                                + " holds.", removed.size(), partition);
                    }
                    notHeld.addAll(removed);
                    continue;
                }
                if (!ownership.leased(partition, epoch)) {
                    continue; // its lease lapsed unrenewed: its messages lapse too, for whoever takes it
                }
                Duration visibility = visibilities.getOrDefault(partition, Duration.ofSeconds(30));
                Instant soon = now.plus(visibility.dividedBy(2));
                buffers.get(partition).values().forEach(list -> list.forEach(b -> {
                    if (b.held().visibleUntil().isBefore(soon)) {
                        due.add(b);
                    }
                }));
            }
        }
        giveBack(notHeld, notAttempts, Duration.ZERO);
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
            if (list != null && list.remove(b)) {
                receipts.remove(b.held().messageId); // taken by someone else
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
            epochPerPartition.clear();
            backedOff.clear();
            active.clear();
            inProgress.clear();
            receipts.clear();
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
