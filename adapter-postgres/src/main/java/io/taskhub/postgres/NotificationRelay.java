package io.taskhub.postgres;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the notifications of committed transactions, from a thread of its own, in short transactions that do not
 * wait for the disk.
 *
 * <p>Why not inside the transactions that did the work: PostgreSQL lets only one notifying transaction of a
 * database commit at a time (it takes a database-wide lock before the commit and holds it through the commit's
 * flush to disk). With a notification in every durable commit, all commits queued behind each other's disk flush
 * instead of sharing flushes: under a fan-in of 10,000 activities, most commits were found waiting for that lock.
 * Sent here, right after the commit, a notification still tells only of committed work; whatever piles up while
 * one batch is sent goes out together as the next, each notification once.
 *
 * <p>A notification is a hint. If this process dies between a commit and its notification, or sending fails,
 * the listeners find the work by their fallback poll ({@link WorkWaits}), a little later.
 */
final class NotificationRelay implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NotificationRelay.class);
    /** Bounds a batch's statement; more waiting simply makes the next batch. */
    private static final int MAX_BATCH = 1_000;
    private static final long CLOSE_WAIT_MILLIS = 2_000;

    private final Database db;
    /** This process's waiting threads look for work themselves when notifications could not be sent. */
    private final Runnable wakeEverybody;
    /** Hands each notification to this process's own waiting threads (channel, payload). */
    private final BiConsumer<String, String> deliverHere;
    private final OwnSenders senders;
    /** Whether instance notifications are sent, or only heard here. */
    private final RemoteWaiters waiters;
    private final String sendSql;
    private final LinkedBlockingQueue<Notices.Pending> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;
    /** Batches sent, and conditional notifications looked at in them (for tests of what is not sent). */
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong looks = new AtomicLong();

    /**
     * @param deliverHere receives every notification, when it is published (the conditional ones once sent): this
     *                    process's own waiting threads learn of the work without waiting for the server's echo,
     *                    which the listener drops ({@code senders})
     */
    NotificationRelay(Database db, Runnable wakeEverybody, BiConsumer<String, String> deliverHere,
            OwnSenders senders, RemoteWaiters waiters) {
        this.db = db;
        this.waiters = waiters;
        this.wakeEverybody = wakeEverybody;
        this.deliverHere = deliverHere;
        this.senders = senders;
        Tables t = new Tables(db.config().schema());
        // One statement in autocommit mode: its commit need not reach the disk (a notification lost in a crash is
        // what the fallback poll is for), so the notification lock is held for moments, not for a flush.
        this.sendSql = sendSql(t);
        this.thread = new Thread(this::run, "taskhub-postgres-notifier-" + db.config().schema());
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * The statement that sends a batch: plain notifications (channels, payloads), then the conditional ones (channels,
     * payloads, hubs, instance ids) sent only if their instance has visible messages at the given time.
     */
    static String sendSql(Tables t) {
        return "WITH light AS MATERIALIZED (SELECT set_config('synchronous_commit', 'off', true))"
                + " SELECT n.channel, n.payload, n.conditional, pg_notify(n.channel, n.payload) FROM light, ("
                + "SELECT u.channel, u.payload, false AS conditional"
                + " FROM unnest(?::text[], ?::text[]) AS u(channel, payload)"
                + " UNION ALL SELECT v.channel, v.payload, true"
                + " FROM unnest(?::text[], ?::text[], ?::text[], ?::text[])"
                + " AS v(channel, payload, hub, instance_id)"
                // A lateral look-up per instance rather than EXISTS, which a generic plan makes a hash join over
                // the whole inbox; in the instance's own order, so that it is read from the instance's messages
                // whatever the statistics were when the plan was made (a plan made while the inbox was empty read
                // every visible message of the hub, for each instance looked up).
                + " CROSS JOIN LATERAL (SELECT 1 FROM " + t.inbox() + " m WHERE m.task_hub = v.hub"
                + " AND m.instance_id = v.instance_id AND m.visible_at <= ?::timestamptz ORDER BY m.seq LIMIT 1)"
                + " AS visible) n";
    }

    /**
     * Sends {@code pending} soon; call it once the transaction that gathered them has committed. This process's
     * own threads hear the plain ones now, on the caller's thread; the conditional one once the relay has checked
     * and sent it. Instance notifications are sent only while another process may wait for instances
     * ({@link RemoteWaiters}).
     */
    void publish(Notices.Pending pending) {
        if (!pending.isEmpty() && !closed) {
            for (int i = 0; i < pending.channels().length; i++) {
                deliverHere.accept(pending.channels()[i], pending.payloads()[i]);
            }
            Notices.Pending toSend = waiters.elsewhere() ? pending : pending.without(Notices.INSTANCE_CHANNEL);
            if (!toSend.isEmpty()) {
                queue.add(toSend);
            }
        }
    }

    private void run() {
        List<Notices.Pending> batch = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            try {
                Notices.Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                send(batch);
            } catch (InterruptedException e) {
                if (closed) {
                    return;
                }
            } catch (RuntimeException e) {
                // Whatever went wrong, the thread goes on: without it every wake-up would wait for a poll.
                LOG.warn("Could not send {} PostgreSQL notifications ({}); waiting workers find the work by polling.",
                        batch.size(), e.getMessage());
                wakeEverybody.run();
            } finally {
                batch.clear();
            }
        }
    }

    /**
     * Sends the batch's notifications in one statement, each distinct one once, then delivers the conditional ones
     * it sent (where the work was visible) to this process, which heard the plain ones when they were published.
     */
    void send(List<Notices.Pending> batch) {
        Set<Map.Entry<String, String>> plain = new LinkedHashSet<>();
        Map<List<String>, Notices.VisibleWork> conditional = new LinkedHashMap<>();
        for (Notices.Pending pending : batch) {
            for (int i = 0; i < pending.channels().length; i++) {
                plain.add(Map.entry(pending.channels()[i], pending.payloads()[i]));
            }
            Notices.VisibleWork v = pending.ifVisible();
            if (v != null) {
                conditional.putIfAbsent(List.of(v.channel(), v.payload(), v.hubKey(), v.instanceId()), v);
            }
        }
        // A conditional notification is kept even when a plain one of the same payload goes in this batch: that one
        // reached this process when it was published, maybe before the work the conditional one looks for was
        // committed. (The server sends identical notifications of one transaction once.)
        batches.incrementAndGet();
        looks.addAndGet(conditional.size());
        List<Map.Entry<String, String>> sent = db.alone(c -> {
            // Recorded before sending: the echo may reach the listener before this statement returns.
            senders.sendingThrough(c.unwrap(PGConnection.class).getBackendPID());
            try (PreparedStatement ps = c.prepareStatement(sendSql)) {
                PgArrays.text(ps, 1, plain.stream().map(Map.Entry::getKey).toArray(String[]::new));
                PgArrays.text(ps, 2, plain.stream().map(Map.Entry::getValue).toArray(String[]::new));
                List<Notices.VisibleWork> ifVisible = List.copyOf(conditional.values());
                PgArrays.text(ps, 3, ifVisible.stream().map(Notices.VisibleWork::channel).toArray(String[]::new));
                PgArrays.text(ps, 4, ifVisible.stream().map(Notices.VisibleWork::payload).toArray(String[]::new));
                PgArrays.text(ps, 5, ifVisible.stream().map(Notices.VisibleWork::hubKey).toArray(String[]::new));
                PgArrays.text(ps, 6, ifVisible.stream().map(Notices.VisibleWork::instanceId)
                        .toArray(String[]::new));
                // Visible now, not when the transaction that asked for the check began: a message that came
                // while its instance was held here was announced to nobody but this check.
                PgTime.set(ps, 7, Instant.now());
                List<Map.Entry<String, String>> conditionalSent = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (rs.getBoolean(3)) {
                            conditionalSent.add(Map.entry(rs.getString(1), rs.getString(2)));
                        }
                    }
                }
                return conditionalSent;
            }
        });
        sent.forEach(n -> deliverHere.accept(n.getKey(), n.getValue()));
    }

    long batchesSent() {
        return batches.get();
    }

    long looksMade() {
        return looks.get();
    }

    /** Sends what is queued (for a moment at most), then stops. */
    @Override
    public void close() {
        closed = true;
        try {
            thread.join(CLOSE_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.interrupt();
    }
}
