package io.taskhub.core.worker;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps work suspected of crashing its worker from taking other work down with it. A crash counts as a failed
 * attempt for everything the process held at the time, so an instance whose step kills the process (a native
 * crash, an out-of-memory kill) would push whatever ran beside it towards the poison limit too, and work claimed at
 * the same moment as it after each restart would follow it to that limit.
 *
 * <p>Work at its {@link #firstSuspectAttempt()}th attempt or later (halfway to the poison limit, the third at the
 * least) is a suspect, and runs alone in the process: nothing is claimed meanwhile, and it waits until the work in
 * progress is done and all other work the process holds has gone back to the storage (claimed before the gate
 * closed, or handed over by a commit, it is given back without counting as an attempt). A crash during it then
 * counts against it alone, and what ran beside its earlier attempts stays below the limit. The first failures are
 * not suspected, so that the retries after an outage (every step of it failed once) keep their concurrency. Work
 * past the poison limit is no suspect either: it runs no user code, only its failure is stored.
 *
 * <p>Every claim and every piece of work passes here, so while no suspect holds the process the gate is counters
 * only: each side writes its counter, then reads the other side's flag (and the suspect its flag, then the
 * counters), so that either the work sees the suspect and steps back or the suspect sees the work and waits.
 */
final class SuspectGate {
    private static final int EARLIEST_SUSPECT_ATTEMPT = 3;
    /** How long a suspect waits for the work in progress before it runs anyway (isolation is best effort). */
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(30);
    /** The longest a waiter sleeps between looks (a wake-up may come from a thread that saw no suspect yet). */
    private static final long RECHECK_MILLIS = 20;

    private final Object lock = new Object();
    private final int poisonLimit;
    private final AtomicInteger running = new AtomicInteger();
    /**
     * Work this process holds that has neither started nor gone back: claims under way and what they found, and
     * work a commit handed over. A crash would count an attempt against each, so a suspect waits for them too.
     */
    private final AtomicInteger held = new AtomicInteger();
    private volatile boolean suspectHolds;

    SuspectGate(int poisonLimit) {
        this.poisonLimit = poisonLimit;
    }

    /** The attempt from which work is a suspect. */
    int firstSuspectAttempt() {
        return Math.max(EARLIEST_SUSPECT_ATTEMPT, (poisonLimit + 1) / 2);
    }

    boolean isSuspect(int attempts) {
        return attempts >= firstSuspectAttempt() && attempts <= poisonLimit;
    }

    /**
     * Before a claim: waits (at most {@code maxWait}) while a suspect holds the process; true once none does, and
     * from then on the claim and what it finds are held (see {@link #enter} and {@link #released}).
     */
    boolean beginClaim(Duration maxWait) throws InterruptedException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (true) {
            if (!suspectHolds) {
                held.incrementAndGet();
                if (!suspectHolds) {
                    return true;
                }
                released(); // a suspect closed the gate meanwhile: it may be waiting for this claim
            }
            synchronized (lock) {
                while (suspectHolds) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    lock.wait(Math.max(1, Math.min(RECHECK_MILLIS, left / 1_000_000)));
                }
            }
        }
    }

    /**
     * {@link #beginClaim} without waiting: true when no suspect holds the process, and then the work about to be
     * taken (a start this process's worker is handed at its creation) is held until it starts or goes back.
     */
    boolean tryBeginClaim() {
        if (suspectHolds) {
            return false;
        }
        held.incrementAndGet();
        if (suspectHolds) {
            released(); // a suspect closed the gate meanwhile: it may be waiting for this
            return false;
        }
        return true;
    }

    /** Whether a suspect holds the process now: then nothing new should be claimed. */
    boolean holds() {
        return suspectHolds;
    }

    /** {@code count} work items a commit handed to this process: held until they {@link #enter} or go back. */
    void handedOver(int count) {
        if (count > 0) {
            held.addAndGet(count);
        }
    }

    /** Held work that went back to the storage without starting, or a claim that found nothing. */
    void released() {
        held.decrementAndGet();
        wakeSuspect();
    }

    /**
     * Before starting held work of {@code attempts}: true when it may run (then {@link #leave} after it); false when
     * it must be given back uncounted (a suspect holds the process, or it is a suspect and another one does), and
     * then {@link #released} once it is back.
     */
    boolean enter(int attempts) throws InterruptedException {
        if (!isSuspect(attempts)) {
            if (suspectHolds) {
                return false;
            }
            running.incrementAndGet();
            if (suspectHolds) {
                running.decrementAndGet(); // a suspect closed the gate meanwhile: this goes back instead
                wakeSuspect();
                return false;
            }
            held.decrementAndGet();
            return true;
        }
        synchronized (lock) {
            if (suspectHolds) {
                return false;
            }
            suspectHolds = true;
            held.decrementAndGet(); // its own
            long deadline = System.nanoTime() + DRAIN_LIMIT.toNanos();
            try {
                while (running.get() > 0 || held.get() > 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break; // something runs long: run beside it rather than hold the process for ever
                    }
                    lock.wait(Math.max(1, Math.min(RECHECK_MILLIS, left / 1_000_000)));
                }
            } catch (InterruptedException e) {
                held.incrementAndGet(); // still held: the caller gives it back
                suspectHolds = false;
                lock.notifyAll();
                throw e;
            }
            running.incrementAndGet();
            return true;
        }
    }

    /** After work that {@link #enter} let run. */
    void leave(int attempts) {
        running.decrementAndGet();
        if (isSuspect(attempts)) {
            synchronized (lock) {
                suspectHolds = false;
                lock.notifyAll();
            }
        } else {
            wakeSuspect();
        }
    }

    /** Tells a suspect waiting for the process to drain to look again (nothing to do while none holds it). */
    private void wakeSuspect() {
        if (suspectHolds) {
            synchronized (lock) {
                lock.notifyAll();
            }
        }
    }
}
