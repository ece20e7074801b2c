package io.taskhub.postgres;

import java.time.Duration;
import java.time.Instant;
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
 */
final class WorkWaits {
    enum Kind { ORCHESTRATIONS, ACTIVITIES }

    static final Duration MIN_POLL = Duration.ofMillis(50);

    /** What a claim had seen: the notifications so far, and the moment whose visible work it looked at. */
    private record Mark(Kind kind, long epoch, Instant at) {
    }

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

    void beforeClaim(Kind kind) {
        marks.set(new Mark(kind, signal(kind).epoch(), clock.get()));
    }

    /**
     * After a claim: a thread that found work may have been woken for more than it took, so it wakes another
     * waiter, unless the claim saw no other work visible ({@code moreVisible} false).
     */
    void afterClaim(Kind kind, boolean found, boolean moreVisible) {
        if (found) {
            idleStreak.get()[0] = 0;
            if (moreVisible) {
                signal(kind).pass();
            }
        }
    }

    void await(Duration maxWait) throws InterruptedException {
        Mark mark = marks.get();
        marks.remove();
        Kind kind = mark == null ? null : mark.kind();
        WorkSignal signal = kind == null ? signals.anyWork : signal(kind);
        long seen = mark == null ? signal.epoch() : mark.epoch();
        // First what became visible after the claim looked (it may already have: then claim again), then what
        // lies ahead.
        Instant since = mark == null ? clock.get() : mark.at();
        long start = System.nanoTime();
        long deadline = start + Math.min(nanos(maxWait), pollNanos());
        while (true) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                idleStreak.get()[0]++;
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
