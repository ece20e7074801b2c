package io.taskhub.azure.internal;

import com.azure.storage.queue.models.SendMessageResult;
import io.taskhub.ports.history.ExecutionStarted;
import io.taskhub.ports.store.InstanceMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends control and work-item messages: stamps their send order and turns due times into visibility delays.
 * The queue service cannot tell anyone when a delayed message becomes visible, but this process knows when its
 * own do: it counts that moment as a send and wakes its waiters then, so a timer fires on time without polling.
 */
final class Outbox {
    private static final AtomicLong LAST_TS = new AtomicLong();
    /** Longer delays are left to polling rather than kept as scheduled wake-ups. */
    private static final Duration LONGEST_WATCHED_DELAY = Duration.ofMinutes(15);
    /** Wake-ups after the visibility time: at once, and again in case the service's clock runs behind. */
    private static final long[] WAKE_SLACK_MILLIS = {50, 1050};

    private final HubClients hub;
    private final QueueOps queues;
    private final MessageCodec codec;
    private final ScheduledExecutorService scheduler;
    private final Runnable wake;
    private final AtomicLong controlSends = new AtomicLong();
    private final AtomicLong taskSends = new AtomicLong();

    public Outbox(HubClients hub, QueueOps queues, MessageCodec codec, ScheduledExecutorService scheduler,
            Runnable wake) {
        this.hub = hub;
        this.queues = queues;
        this.codec = codec;
        this.scheduler = scheduler;
        this.wake = wake;
    }

    /** Nanoseconds since the epoch, strictly increasing within this process: the inbox order. */
    static long nextTs() {
        Instant now = Instant.now();
        long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        return LAST_TS.updateAndGet(last -> Math.max(last + 1, nanos));
    }

    /** The envelope for {@code message} with logical id {@code id}. */
    public static Envelope envelope(String id, InstanceMessage message, Long rv, Long prv) {
        Instant due = message.visibleAt();
        if (due == null && message.event() instanceof ExecutionStarted start) {
            due = start.scheduledStartAt();
        }
        return new Envelope(id, message.instanceId(), message.executionId(), message.event(), null, due, rv, prv, 0,
                nextTs(), null, message.isStart() ? message.replaces() : null, 0);
    }

    /**
     * How many control messages this outbox sent, or made visible by their delay's end (a changing count tells the
     * control queues' receiver to look again).
     */
    public long controlSends() {
        return controlSends.get();
    }

    /**
     * How many tasks this outbox sent for any worker to receive (a changing count tells the work-item queue's
     * receiver to look again; a control message does not: in a burst, it would keep that receiver looking at an
     * empty queue).
     */
    public long taskSends() {
        return taskSends.get();
    }

    public SendMessageResult send(Envelope envelope) {
        Duration delay = envelope.due() == null ? Duration.ZERO : Duration.between(Instant.now(), envelope.due());
        delay = delay.isNegative() ? Duration.ZERO : delay;
        SendMessageResult sent = queues.send(hub.controlQueueOf(envelope.iid()), codec.encode(envelope), delay);
        controlSends.incrementAndGet(); // after the send: a receive that saw the old count may have missed it
        if (!delay.isZero() && delay.compareTo(LONGEST_WATCHED_DELAY) <= 0) {
            wakeWhenVisible(queues.clamp(delay, Duration.ZERO));
        }
        return sent;
    }

    private void wakeWhenVisible(Duration visibleIn) {
        for (long slack : WAKE_SLACK_MILLIS) {
            try {
                scheduler.schedule(() -> {
                    controlSends.incrementAndGet();
                    wake.run();
                }, visibleIn.toMillis() + slack, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                return; // the backend is closing: nobody waits any more
            }
        }
    }

    /** A task envelope, stamped with the send order. */
    public static TaskEnvelope task(String id, io.taskhub.ports.store.ActivityTask task, long revision) {
        return new TaskEnvelope(id, task.instanceId(), task.executionId(), task.taskId(), task.name(), task.input(),
                null, revision, 0, nextTs(), task.traceParent(), 0);
    }

    public void send(TaskEnvelope task) {
        queues.send(hub.workItems(), codec.encode(task), Duration.ZERO);
        taskSends.incrementAndGet();
    }

    /** A task this process made visible again at once (given back): the work-item queue's receiver looks again. */
    public void taskVisibleAgain() {
        taskSends.incrementAndGet();
    }

    /**
     * Sends a task hidden for {@code lease} and held by this process, for its own worker to run (a step's hand-off):
     * other workers receive it only if that lease runs out. Hidden, it gives receivers nothing to look for.
     */
    public HeldMessage sendHeld(TaskEnvelope task, Duration lease) {
        return queues.sendHeld(hub.workItems(), codec.encode(task), lease);
    }

    /** Deletes a message just sent, before anyone received it (best effort). */
    public void retract(String instanceId, SendMessageResult sent) {
        queues.retract(hub.controlQueueOf(instanceId), sent);
    }
}
