package io.taskhub.postgres;

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
     * Work of one kind ({@code o} or {@code a}), visible now or, with a trailing {@code +}, later: then waiting
     * threads must also look again at when the next work is due.
     */
    void work(String kind) {
        boolean later = kind.endsWith(Notices.LATER);
        String what = later ? kind.substring(0, kind.length() - Notices.LATER.length()) : kind;
        if (Notices.ORCHESTRATIONS.equals(what)) {
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

    /** Notifications may have been lost (the listening connection dropped): everybody looks again. */
    void everything() {
        orchestrations.notifyEveryone();
        activities.notifyEveryone();
        anyWork.notifyEveryone();
        instances.changedAll();
    }
}
