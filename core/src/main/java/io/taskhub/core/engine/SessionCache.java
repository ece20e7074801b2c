package io.taskhub.core.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Recently used sessions (live orchestrator threads) by instance id, least recently used evicted first. A
 * worker takes a session out while it processes the instance and puts it back after committing.
 *
 * <p>A session taken out is <em>out</em> until it is put back or released. The commit of its step ends the lease,
 * so another thread of this worker can claim the instance in the moment before the session is back; its
 * {@link #take} waits for it rather than replaying the whole history (in a fan-in, whose results keep arriving,
 * that moment came after nearly every step).
 */
public final class SessionCache {
    /** How long a take waits for a session that is out; the step holding it ends within microseconds normally. */
    private static final long RETURN_PATIENCE_MILLIS = 1_000;

    private final int capacity;
    private final Duration unwindGrace;
    private final LinkedHashMap<String, OrchestrationSession> sessions = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<String, OrchestrationSession> out = new HashMap<>(); // guarded by sessions

    public SessionCache(int capacity, Duration unwindGrace) {
        this.capacity = capacity;
        this.unwindGrace = unwindGrace;
    }

    public boolean isEnabled() {
        return capacity > 0;
    }

    /** Removes and returns the instance's session if it is still current for this execution and revision. */
    public OrchestrationSession take(String instanceId, String executionId, long revision) {
        OrchestrationSession session;
        synchronized (sessions) {
            awaitReturn(instanceId);
            session = sessions.remove(instanceId);
            if (session != null && session.executionId().equals(executionId) && session.revision() == revision
                    && !session.isFinished()) {
                out.put(instanceId, session);
                return session;
            }
        }
        if (session != null) {
            session.unwind(unwindGrace);
        }
        return null;
    }

    private void awaitReturn(String instanceId) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETURN_PATIENCE_MILLIS);
        long remaining = RETURN_PATIENCE_MILLIS;
        while (out.containsKey(instanceId) && remaining > 0) {
            try {
                sessions.wait(remaining);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        }
    }

    /** The instance's session, taken out, will not come back (it was discarded): nobody waits for it. */
    public void release(String instanceId) {
        synchronized (sessions) {
            if (out.remove(instanceId) != null) {
                sessions.notifyAll();
            }
        }
    }

    /**
     * Removes and returns the instance's session for this execution, whatever its revision (the store decides
     * whether that revision is still current), but only when {@code wanted} accepts it; otherwise it stays cached
     * untouched (a worker processing the instance meanwhile still finds it) and null is returned.
     */
    public OrchestrationSession takeIf(String instanceId, String executionId,
            java.util.function.Predicate<OrchestrationSession> wanted) {
        synchronized (sessions) {
            OrchestrationSession session = sessions.get(instanceId);
            if (session == null || !session.executionId().equals(executionId) || session.isFinished()
                    || !wanted.test(session)) {
                return null;
            }
            out.put(instanceId, session);
            return sessions.remove(instanceId);
        }
    }

    /**
     * Whether the instance has a session here, cached or out, and {@code test} holds for it. A session that is out is
     * being changed by the step that holds it: what {@code test} reads of it may be a moment old, which suits a
     * heuristic (whether results should wait for a batch) and nothing more.
     */
    public boolean check(String instanceId, java.util.function.Predicate<OrchestrationSession> test) {
        synchronized (sessions) {
            OrchestrationSession session = sessions.get(instanceId);
            if (session == null) {
                session = out.get(instanceId);
            }
            return session != null && test.test(session);
        }
    }

    public void put(OrchestrationSession session) {
        List<OrchestrationSession> evicted = new ArrayList<>();
        synchronized (sessions) {
            if (out.remove(session.instanceId()) != null) {
                sessions.notifyAll();
            }
            OrchestrationSession previous = sessions.put(session.instanceId(), session);
            if (previous != null && previous != session) {
                evicted.add(previous);
            }
            Iterator<Map.Entry<String, OrchestrationSession>> oldest = sessions.entrySet().iterator();
            while (sessions.size() > capacity && oldest.hasNext()) {
                evicted.add(oldest.next().getValue());
                oldest.remove();
            }
        }
        evicted.forEach(s -> s.unwind(unwindGrace));
    }

    public int size() {
        synchronized (sessions) {
            return sessions.size();
        }
    }

    /** Unwinds every cached session (shutdown). */
    public void clear() {
        List<OrchestrationSession> all;
        synchronized (sessions) {
            all = new ArrayList<>(sessions.values());
            sessions.clear();
            out.clear();
            sessions.notifyAll();
        }
        all.forEach(s -> s.unwind(unwindGrace));
    }
}
