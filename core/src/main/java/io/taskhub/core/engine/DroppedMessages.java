package io.taskhub.core.engine;

import io.taskhub.ports.store.InstanceMessage;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Messages the engine consumes without recording them, by the one rule of docs/http-api.md ("Messages to a
 * finished instance"): an execution that has ended takes no further messages, whether they arrive in a later
 * step or after its termination within the same step; messages addressed to an older execution are stale. Each
 * drop is counted here and reported in one log line naming the instance, so an accepted request that had no
 * effect always leaves a trace.
 */
public final class DroppedMessages {
    private static final System.Logger LOG = System.getLogger(DroppedMessages.class.getName());

    private final AtomicLong count = new AtomicLong();
    private volatile io.taskhub.core.telemetry.EngineMetrics metrics = io.taskhub.core.telemetry.EngineMetrics.NONE;

    /** Where drops are counted besides here (the worker's metrics). */
    public void reportTo(io.taskhub.core.telemetry.EngineMetrics target) {
        this.metrics = java.util.Objects.requireNonNull(target, "target");
    }

    /** How many messages were dropped since this worker started. */
    public long count() {
        return count.get();
    }

    void record(String instanceId, String name, String why, List<InstanceMessage> dropped) {
        if (dropped.isEmpty()) {
            return;
        }
        count.addAndGet(dropped.size());
        metrics.messagesDropped(dropped.size());
        Map<String, Integer> byType = new TreeMap<>();
        for (InstanceMessage message : dropped) {
            byType.merge(message.event().getClass().getSimpleName(), 1, Integer::sum);
        }
        LOG.log(System.Logger.Level.INFO, "Dropped " + dropped.size() + " message(s) " + byType + " for instance "
                + instanceId + " (" + name + "): " + why + ".");
    }
}
