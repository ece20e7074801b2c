package io.taskhub.postgres;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The database sessions (backend process ids) through which this backend's relay sent notifications lately. The
 * relay delivers what it sends to this process's waiting threads itself, at once, so the listener drops the echo
 * that comes back from the server: delivered twice, every wake-up made a second claim that found nothing.
 *
 * <p>Only recent use counts: a pooled connection may close, and the server may one day give its process id to a
 * session of another process, whose notifications must not be dropped. Process ids are handed out in sequence
 * over a large range, so one is not given again within minutes; a notification dropped wrongly would still be
 * found by the waiters' poll.
 */
final class OwnSenders {
    private static final long RECENT_NANOS = 60_000_000_000L;

    private final Map<Integer, Long> lastUse = new ConcurrentHashMap<>();

    /** The relay is about to send through the session with process id {@code pid}. */
    void sendingThrough(int pid) {
        lastUse.put(pid, System.nanoTime());
    }

    /** Whether a notification from process id {@code pid} is one this backend's relay sent (and delivered). */
    boolean sentHere(int pid) {
        Long used = lastUse.get(pid);
        if (used == null) {
            return false;
        }
        if (System.nanoTime() - used > RECENT_NANOS) {
            lastUse.remove(pid, used);
            return false;
        }
        return true;
    }
}
