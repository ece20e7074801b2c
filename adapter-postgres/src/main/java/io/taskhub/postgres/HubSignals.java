package io.taskhub.postgres;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Everything that wakes waiting threads of one task hub in this process: the notifications for the hub are
 * routed here by the backend's listener.
 */
final class HubSignals {
    final WorkSignal orchestrations = new WorkSignal();
    final WorkSignal activities = new WorkSignal();
    /** For waits that did not follow a claim, so the kind of work wanted is unknown. */
    final WorkSignal anyWork = new WorkSignal();
    final InstanceWatchers instances = new InstanceWatchers();
    /**
     * Counts the orchestration work visible now that this process heard of, from its own commits or others', the
     * work it did not announce because it held the instance, and the times everything had to be looked at again
     * (the listening connection came back). An instance's holder compares it with the count when it claimed:
     * unchanged, no notification of work came while it held the instance, and it lets go without looking for work
     * (see {@code PostgresStore}; work it cannot have heard of, such as messages its claim left, makes it look).
     */
    private final AtomicLong orchestrationWorkSeen = new AtomicLong();

    /**
     * Work of one kind ({@code o} or {@code a}), visible now or, with a trailing {@code +}, later: then waiting
     * threads must also look again at when the next work is due.
     */
    void work(String kind) {
        boolean later = kind.endsWith(Notices.LATER);
        String what = later ? kind.substring(0, kind.length() - Notices.LATER.length()) : kind;
        if (Notices.ORCHESTRATIONS.equals(what)) {
            if (!later) {
                orchestrationWorkSeen.incrementAndGet();
            }
            orchestrations.notifyWork(later);
        } else if (Notices.ACTIVITIES.equals(what)) {
            activities.notifyWork(later);
        }
        anyWork.notifyWork(later);
    }

    void instance(String instanceId) {
        if (instanceId.isEmpty()) {
            instances.changedAll();
        } else {
            instances.changed(instanceId);
        }
    }

    long orchestrationWorkSeen() {
        return orchestrationWorkSeen.get();
    }

    void orchestrationWorkWithheld() {
        orchestrationWorkSeen.incrementAndGet();
    }

    /** Notifications may have been lost (the listening connection dropped): everybody looks again. */
    void everything() {
        orchestrationWorkSeen.incrementAndGet();
        orchestrations.notifyEveryone();
        activities.notifyEveryone();
        anyWork.notifyEveryone();
        instances.changedAll();
    }
}
