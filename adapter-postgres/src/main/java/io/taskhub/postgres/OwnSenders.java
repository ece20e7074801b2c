package io.taskhub.postgres;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The database sessions (backend process ids) through which this backend's relay sent notifications lately. The
 * relay delivers what it sends to this process's waiting threads itself, at once, so the listener drops the echo
 * that comes back from the server: delivered twice, every wake-up made a second claim that found nothing.
 *
 * <p>Only recent use counts: a pooled connection may close, and the server may give its process id to a session
 * of another process, whose notifications must not be dropped. The relay sends through its sessions again and
 * again while they live, so a few seconds of memory are enough; a process id given again within them (servers
 * that reuse ids quickly) costs that process's notifications for those seconds, and the waiters' poll finds the
 * work. Behind a pooler that reports its own session keys nothing matches, and this process hears its
 * notifications twice, as it did before.
 */
final class OwnSenders {
    private static final long RECENT_NANOS = 5_000_000_000L;
    /** Entries are dropped on the way once there are more than a pool's worth. */
    private static final int PRUNE_ABOVE = 64;

    private final Map<Integer, Long> lastUse = new ConcurrentHashMap<>();

    /** The relay is about to send through the session with process id {@code pid}. */
    void sendingThrough(int pid) {
        long now = System.nanoTime();
        lastUse.put(pid, now);
        if (lastUse.size() > PRUNE_ABOVE) {
            lastUse.values().removeIf(used -> now - used > RECENT_NANOS);
        }
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
