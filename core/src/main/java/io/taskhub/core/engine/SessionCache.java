package io.taskhub.core.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Recently used sessions (live orchestrator threads) by instance id, least recently used evicted first. A
 * worker takes a session out while it processes the instance and puts it back after committing.
 */
public final class SessionCache {
    private final int capacity;
    private final Duration unwindGrace;
    private final LinkedHashMap<String, OrchestrationSession> sessions = new LinkedHashMap<>(16, 0.75f, true);

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
            session = sessions.remove(instanceId);
        }
        if (session == null) {
            return null;
        }
        if (session.executionId().equals(executionId) && session.revision() == revision && !session.isFinished()) {
            return session;
        }
        session.unwind(unwindGrace);
        return null;
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
            return sessions.remove(instanceId);
        }
    }

    /** Whether the instance has a cached session and {@code test} holds for it (which stays cached). */
    public boolean check(String instanceId, java.util.function.Predicate<OrchestrationSession> test) {
        synchronized (sessions) {
            OrchestrationSession session = sessions.get(instanceId);
            return session != null && test.test(session);
        }
    }

    public void put(OrchestrationSession session) {
        List<OrchestrationSession> evicted = new ArrayList<>();
        synchronized (sessions) {
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
        }
        all.forEach(s -> s.unwind(unwindGrace));
    }
}
