package io.taskhub.postgres;

import io.taskhub.ports.store.NameFilter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * How a worker thread waits for work: woken by notifications, or when the earliest delayed message or task
 * becomes visible, and otherwise looking by itself after the poll interval, so that a lost notification delays
 * work by at most that long. While the listening connection is down, the interval backs off from
 * {@link #MIN_POLL} up to the configured maximum.
 *
 * <p>Each claim leaves a mark (the kind of work and the notification epoch when it began), so the wait that
 * follows an empty claim returns at once if a notification came in between.
 *
 * <p>The look at the poll interval's end is one per kind of work and claim filter, not one per thread: a thread
 * whose wait ended only because its interval ran out does not look if the latest look for the same kind with the
 * same filter was another thread's, found nothing, began less than an interval ago, and no notification came
 * since it began. That look saw what this one would have. The thread then waits as if it had made that look
 * itself, until a quarter of an interval after the look's maker is due to look again (the latest look being its
 * own, it does not leave it to anyone); if it has not looked by then (it is busy, say), this one looks. An idle
 * worker's threads thus cost one look per interval together, whatever their number, and a lost notification
 * still waits about an interval.
 */
final class WorkWaits {
    enum Kind { ORCHESTRATIONS, ACTIVITIES }

    static final Duration MIN_POLL = Duration.ofMillis(50);

    /**
     * What a claim had seen: the notifications so far, and the moment whose visible work it looked at; with the
     * filter it claimed with and when it began ({@link System#nanoTime}).
     */
    private record Mark(Kind kind, long epoch, Instant at, NameFilter names, long began) {
        Looking looking() {
            return new Looking(kind, names);
        }
    }

    /** What a look is for: a kind of work, claimed with a filter. */
    private record Looking(Kind kind, NameFilter names) {
    }

    /**
     * A look that found nothing: the notifications so far and the moment it looked at when its claim began, when
     * it began and ended ({@link System#nanoTime}), and by which thread.
     */
    private record Look(long epoch, Instant at, long began, long ended, Thread by) {
    }

    /** Bounds the looks kept: filters come and go with the names that workers run. */
    private static final int MAX_LOOKINGS = 1_000;

    /**
     * The earliest visibility time after {@code since} of one kind of work (null kind: either), read from the
     * database.
     */
    private static final class DueCache {
        private long dueEpoch = -1;
        private long epoch = -1;
        private Instant since;
        private Instant value;
        private long computedAt;
    }

    private final HubSignals signals;
    private final BooleanSupplier listening;
    private final long maxPollNanos;
    private final Supplier<Instant> clock;
    private final BiFunction<Kind, Instant, Instant> nextDue;
    private final ThreadLocal<Mark> marks = new ThreadLocal<>();
    private final ThreadLocal<int[]> idleStreak = ThreadLocal.withInitial(() -> new int[1]);
    /** Whether this thread's last wait ended because its poll interval ran out, and nothing else. */
    private final ThreadLocal<Boolean> pollRanOut = new ThreadLocal<>();
    /** When the next wait of this thread, which left its look to another's, ends ({@link System#nanoTime}). */
    private final ThreadLocal<Long> lookLeftUntil = new ThreadLocal<>();
    /** The latest look of each kind of work and claim filter, by any thread. */
    private final ConcurrentHashMap<Looking, Look> looks = new ConcurrentHashMap<>();
    private final AtomicLong looksTaken = new AtomicLong();
    private final AtomicLong looksLeftToOthers = new AtomicLong();
    private final DueCache orchestrationDue = new DueCache();
    private final DueCache activityDue = new DueCache();
    private final DueCache anyDue = new DueCache();

    WorkWaits(HubSignals signals, BooleanSupplier listening, Duration maxPoll, Supplier<Instant> clock,
            BiFunction<Kind, Instant, Instant> nextDue) {
        this.signals = signals;
        this.listening = listening;
        this.maxPollNanos = maxPoll.toNanos();
        this.clock = clock;
        this.nextDue = nextDue;
    }

    /**
     * Before a claim of {@code kind} with {@code names}: whether it looks. It does not (and finds nothing) when this
     * thread's wait ended at its poll interval only, and the latest look for the same was another thread's, found
     * nothing, began less than an interval ago, and no notification came since it began.
     */
    boolean beforeClaim(Kind kind, NameFilter names) {
        long now = System.nanoTime();
        long epoch = signal(kind).epoch();
        Mark mark = new Mark(kind, epoch, clock.get(), names, now);
        marks.set(mark);
        lookLeftUntil.remove();
        boolean ranOut = pollRanOut.get() != null;
        pollRanOut.remove();
        Look latest = ranOut ? looks.get(mark.looking()) : null;
        long interval = pollNanos();
        if (latest != null && latest.by() != Thread.currentThread() && latest.epoch() == epoch
                && now - latest.began() < interval) {
            // What this thread waits for next is what that look did not see.
            marks.set(new Mark(kind, epoch, latest.at(), names, latest.began()));
            lookLeftUntil.set(latest.ended() + interval + interval / 4);
            looksLeftToOthers.incrementAndGet();
            return false;
        }
        looksTaken.incrementAndGet();
        return true;
    }

    /**
     * After a claim that looked: a thread that found work may have been woken for more than it took, so it wakes
     * another waiter, unless the claim saw no other work visible ({@code moreVisible} false).
     */
    void afterClaim(Kind kind, boolean found, boolean moreVisible) {
        Mark mark = marks.get();
        // A look that found work stands for nobody: what it woke may have been another filter's waiter, or none.
        if (mark != null && !found) {
            if (looks.size() > MAX_LOOKINGS) {
                looks.clear();
            }
            looks.merge(mark.looking(),
                    new Look(mark.epoch(), mark.at(), mark.began(), System.nanoTime(), Thread.currentThread()),
                    (earlier, later) -> later.began() - earlier.began() > 0 ? later : earlier);
        }
        if (found) {
            idleStreak.get()[0] = 0;
            if (moreVisible) {
                signal(kind).pass();
            }
        }
    }

    void await(Duration maxWait) throws InterruptedException {
        pollRanOut.remove(); // set again only if this wait ends by its interval
        Long leftUntil = lookLeftUntil.get();
        lookLeftUntil.remove();
        Mark mark = marks.get();
        marks.remove();
        Kind kind = mark == null ? null : mark.kind();
        WorkSignal signal = kind == null ? signals.anyWork : signal(kind);
        long seen = mark == null ? signal.epoch() : mark.epoch();
        // First what became visible after the claim looked (it may already have: then claim again), then what
        // lies ahead.
        Instant since = mark == null ? clock.get() : mark.at();
        long start = System.nanoTime();
        long deadline = start + Math.min(nanos(maxWait),
                leftUntil == null ? pollNanos() : Math.max(0, leftUntil - start));
        while (true) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                idleStreak.get()[0]++;
                pollRanOut.set(Boolean.TRUE);
                return;
            }
            Instant due = due(kind, signal, since);
            since = clock.get();
            long untilDue = due == null ? Long.MAX_VALUE : WorkSignal.nanosUntil(clock.get(), due);
            long wait = Math.min(remaining, untilDue);
            if (wait > 0 && signal.await(seen, wait)) {
                return;
            }
            if (due != null && wait == untilDue) {
                if (signal.takeDue(due)) {
                    return; // this thread looks at what became visible; the others wait for what comes next
                }
                seen = signal.epoch();
            }
        }
    }

    /** Claims that looked in the database, and claims that left it to another thread's look (for tests). */
    long looksTaken() {
        return looksTaken.get();
    }

    long looksLeftToOthers() {
        return looksLeftToOthers.get();
    }

    private long pollNanos() {
        if (listening.getAsBoolean()) {
            return maxPollNanos;
        }
        int streak = Math.min(idleStreak.get()[0], 20);
        return Math.min(maxPollNanos, MIN_POLL.toNanos() << streak);
    }

    /**
     * The cached due time stays valid while no notification of work visible later arrived (every insert and
     * release of such work notifies so; work visible at once wakes a waiter by itself and changes nothing due)
     * and it lies ahead; it is read again at least once per poll interval in case a notification was lost, and
     * after other notifications at most once per {@link #MIN_POLL}: work announced as visible now by a process
     * whose clock runs ahead of this one's is not visible yet here, and only the due time brings it.
     */
    private Instant due(Kind kind, WorkSignal signal, Instant since) {
        DueCache cache = kind == null ? anyDue : kind == Kind.ORCHESTRATIONS ? orchestrationDue : activityDue;
        synchronized (cache) {
            long dueEpoch = signal.dueEpoch();
            long epoch = signal.epoch();
            Instant now = clock.get();
            long age = System.nanoTime() - cache.computedAt;
            // A value read for a later moment than ours may miss work that became visible in between.
            boolean fresh = cache.dueEpoch == dueEpoch && (cache.epoch == epoch || age < MIN_POLL.toNanos())
                    && age < maxPollNanos && !cache.since.isAfter(since)
                    && (cache.value == null || cache.value.isAfter(now));
            if (!fresh) {
                cache.value = nextDue.apply(kind, since);
                cache.since = since;
                cache.dueEpoch = dueEpoch;
                cache.epoch = epoch;
                cache.computedAt = System.nanoTime();
            }
            return cache.value;
        }
    }

    private WorkSignal signal(Kind kind) {
        return kind == Kind.ORCHESTRATIONS ? signals.orchestrations : signals.activities;
    }

    static long nanos(Duration wait) {
        if (wait.isNegative()) {
            return 0;
        }
        return wait.compareTo(Duration.ofDays(365)) > 0 ? Duration.ofDays(365).toNanos() : wait.toNanos();
    }
}
