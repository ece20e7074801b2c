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

    void work(String kind) {
        if (Notices.ORCHESTRATIONS.equals(kind)) {
            orchestrations.notifyWork();
        } else if (Notices.ACTIVITIES.equals(kind)) {
            activities.notifyWork();
        }
        anyWork.notifyWork();
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
