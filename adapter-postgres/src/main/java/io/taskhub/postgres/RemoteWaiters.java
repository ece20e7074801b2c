package io.taskhub.postgres;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Whether some other process waits for changes of instances in this schema, which decides whether this process
 * sends its instance notifications at all.
 *
 * <p>Why: a step that changes an instance gathers an instance notification, and nobody outside the process that
 * committed the step needs it unless it waits for that instance (a front end without workers answering a wait
 * for completion, say). Sent anyway, each was a statement and a transaction of the relay and a wake-up of every
 * listening connection: in a burst of hello sequences on one process, the relay's work was a tenth of the
 * machine's. This process's own waiters hear of every change when it is published, sent or not.
 *
 * <p>How: a process announces that it waits ({@code <schema>/*}{@code /w} on the work channel) when it starts
 * waiting, and again every {@link #ANNOUNCE_EVERY} while it still waits. A process that hears it sends its
 * instance notifications for {@link #HEARD_FOR} after. A process that starts listening asks who waits
 * ({@code w?}), which waiting processes answer at once, and sends them for {@link #ASKED_FOR} meanwhile; one
 * that is not listening cannot hear announcements and sends them all. A commit made before its process heard an
 * announcement goes unannounced: every waiter reads again {@link #FIRST_LOOK} after an announcement, which covers
 * the usual moment it takes to be heard; beyond it (a relay or a listener far behind), the waiters' poll bounds
 * what a missed notification costs.
 *
 * <p>During a rolling upgrade from a version without announcements, its waiters are not known to the processes
 * of this one, and wait by their poll (at most {@code maxPollInterval}, 1 s by default) for changes committed here.
 */
final class RemoteWaiters {
    /** The hub part of these notifications' payloads: not a valid task hub name, so no hub's signals get them. */
    static final String ANY_HUB = "*";
    static final String WAITING = "w";
    static final String ASKING = "w?";
    static final Duration ANNOUNCE_EVERY = Duration.ofSeconds(10);
    static final Duration HEARD_FOR = ANNOUNCE_EVERY.multipliedBy(3);
    static final Duration ASKED_FOR = Duration.ofSeconds(2);
    static final Duration FIRST_LOOK = Duration.ofMillis(100);

    private final String prefix;
    private final AtomicInteger waitingHere = new AtomicInteger();
    private volatile Consumer<Notices.Pending> sender = pending -> { };
    private volatile boolean listening;
    /** {@link System#nanoTime()} until which instance notifications are sent. */
    private volatile long sendUntil = System.nanoTime();
    /** When this process last announced that it waits; {@code announced} false before the first time. */
    private long announcedAt;
    private boolean announced;

    RemoteWaiters(String schema) {
        this.prefix = schema + "/" + ANY_HUB + "/";
    }

    /** Where announcements and questions go (the relay, which is made after the listener that uses this). */
    void sendThrough(Consumer<Notices.Pending> relay) {
        this.sender = relay;
    }

    /** Whether this process's instance notifications may have a listener in another process. */
    boolean elsewhere() {
        return !listening || System.nanoTime() - sendUntil < 0;
    }

    /** The listening connection is up: asks who waits, and sends instance notifications until they answered. */
    void listening() {
        extendTo(System.nanoTime() + ASKED_FOR.toNanos()); // before: nothing is held back meanwhile
        listening = true;
        send(ASKING);
    }

    /** The listening connection is lost: nothing can be heard, so every instance notification goes out. */
    void deaf() {
        listening = false;
    }

    /**
     * Handles {@code payload} if it is an announcement or a question of another process; false for every other
     * notification.
     */
    boolean received(String channel, String payload) {
        if (!Notices.WORK_CHANNEL.equals(channel) || !payload.startsWith(prefix)) {
            return false;
        }
        String what = payload.substring(prefix.length());
        if (WAITING.equals(what)) {
            extendTo(System.nanoTime() + HEARD_FOR.toNanos());
        } else if (ASKING.equals(what) && waitingHere.get() > 0) {
            announce(true);
        }
        return true;
    }

    /** A thread of this process starts waiting for an instance to change: announced, unless it was lately. */
    void startWaiting() {
        waitingHere.incrementAndGet();
        announce(false);
    }

    /** A waiting thread of this process waits on: announces it again when due. */
    void stillWaiting() {
        announce(false);
    }

    /**
     * How long a waiter may wait before it reads the instance again, whatever it hears: until {@link #FIRST_LOOK}
     * after the last announcement (a commit made before the others heard it was not announced), else until the
     * next announcement is due (which the waiter makes when it wakes).
     */
    synchronized long nanosUntilLook() {
        long sinceAnnounced = System.nanoTime() - announcedAt;
        long firstLook = FIRST_LOOK.toNanos() - sinceAnnounced;
        return firstLook > 0 ? firstLook : Math.max(1, ANNOUNCE_EVERY.toNanos() - sinceAnnounced);
    }

    void stopWaiting() {
        waitingHere.decrementAndGet();
    }

    private synchronized boolean announce(boolean evenIfRecent) {
        long now = System.nanoTime();
        if (announced && !evenIfRecent && now - announcedAt < ANNOUNCE_EVERY.toNanos()) {
            return false;
        }
        announced = true;
        announcedAt = now;
        send(WAITING);
        return true;
    }

    private synchronized void extendTo(long until) {
        if (until - sendUntil > 0) {
            sendUntil = until;
        }
    }

    private void send(String what) {
        sender.accept(new Notices.Pending(new String[] {Notices.WORK_CHANNEL}, new String[] {prefix + what}, null));
    }
}
