package io.taskhub.postgres;

import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The notifications of one transaction, gathered while it runs and handed to the {@link NotificationRelay} once it
 * has committed, so no listener hears of work that was rolled back.
 *
 * <p>Payloads are {@code <schema>/<task hub>/<what>}: {@code o} for orchestration work, {@code a} for activity
 * work on the work channel, {@code o+} and {@code a+} for work that becomes visible later (a timer, a retry
 * delay: waiting workers then look again when the next work is due); an instance id (or nothing, for every
 * instance) on the instance channel. One
 * channel serves every schema and task hub of the database, so the schema and hub in the payload tell
 * listeners whether a notification is theirs.
 */
final class Notices {
    static final String WORK_CHANNEL = "taskhub_work";
    static final String INSTANCE_CHANNEL = "taskhub_instance";
    static final String ORCHESTRATIONS = "o";
    static final String ACTIVITIES = "a";
    static final String LATER = "+";

    private final String hubKey;
    private final String prefix;
    private final Set<String> work = new LinkedHashSet<>();
    private final Set<String> instances = new LinkedHashSet<>();
    /** The instances that got orchestration work visible now. */
    private final Set<String> workOf = new HashSet<>();
    private String visibleWorkOf;

    Notices(String schema, String hubKey) {
        this.hubKey = hubKey;
        this.prefix = schema + "/" + hubKey + "/";
    }

    /**
     * Orchestration work of instance {@code instanceId}, visible at {@code visibleAt}: now, or later. Work visible
     * now for an instance this process holds wakes nobody (see {@link #take(Predicate)}).
     */
    void orchestrationWorkOf(String instanceId, Instant visibleAt, Instant now) {
        if (visibleAt.isAfter(now)) {
            work.add(prefix + ORCHESTRATIONS + LATER);
        } else {
            workOf.add(instanceId);
        }
    }

    /**
     * Orchestration work, but only if instance {@code instanceId} has visible messages when the relay sends the
     * notification (after this transaction's commit, so it sees what came meanwhile).
     */
    void orchestrationWorkIfVisible(String instanceId) {
        visibleWorkOf = instanceId;
    }

    /**
     * The instance this transaction let go is held again by this process (claimed right after): its holder looks
     * for work that came meanwhile when it lets it go next, so no look is needed now.
     */
    void heldAgain() {
        visibleWorkOf = null;
    }

    /**
     * The instance this transaction let go got no work while it was held here (see
     * {@code PostgresStore#noWorkSince}): no wake-up was missed, so no look is needed.
     */
    void noLookNeeded() {
        visibleWorkOf = null;
    }

    /** The orchestration work announced so far was taken in this transaction: nobody needs waking for it. */
    void withdrawOrchestrationWork() {
        work.remove(prefix + ORCHESTRATIONS);
        workOf.clear();
    }

    void activityWork() {
        work.add(prefix + ACTIVITIES);
    }

    /** Orchestration work visible at {@code visibleAt}, now or later, announced whoever holds its instance. */
    void orchestrationWorkAt(Instant visibleAt, Instant now) {
        work.add(prefix + ORCHESTRATIONS + (visibleAt.isAfter(now) ? LATER : ""));
    }

    /** Activity work visible at {@code visibleAt}: now, or later. */
    void activityWorkAt(Instant visibleAt, Instant now) {
        work.add(prefix + ACTIVITIES + (visibleAt.isAfter(now) ? LATER : ""));
    }

    void instanceChanged(String instanceId) {
        instances.add(prefix + instanceId);
    }

    /** Adds what {@code other} gathered (for the same hub). */
    void addAll(Notices other) {
        work.addAll(other.work);
        instances.addAll(other.instances);
        workOf.addAll(other.workOf);
        if (other.visibleWorkOf != null) {
            visibleWorkOf = other.visibleWorkOf;
        }
    }

    /** Wakes every waiter of the hub's instances (the hub was deleted). */
    void allInstancesChanged() {
        instances.add(prefix);
    }

    /** The notifications gathered so far, for the relay to send; nothing is left here afterwards. */
    Pending take() {
        return take(instanceId -> false);
    }

    /**
     * The same, leaving out the orchestration work of instances that {@code heldHere} says this process holds: the
     * holder looks for work that came meanwhile when it lets the instance go ({@link #orchestrationWorkIfVisible}),
     * which happens after this commit, so a wake-up now would only find the instance held.
     */
    Pending take(Predicate<String> heldHere) {
        if (workOf.stream().anyMatch(heldHere.negate())) {
            work.add(prefix + ORCHESTRATIONS);
        }
        Pending pending = pending();
        clear();
        return pending;
    }

    /** Notifications to send: each channel with the payload at the same index, and a conditional one (or null). */
    record Pending(String[] channels, String[] payloads, VisibleWork ifVisible) {
        boolean isEmpty() {
            return channels.length == 0 && ifVisible == null;
        }

        /** The same without the notifications on {@code channel}. */
        Pending without(String channel) {
            int kept = 0;
            for (String c : channels) {
                kept += c.equals(channel) ? 0 : 1;
            }
            if (kept == channels.length) {
                return this;
            }
            String[] keptChannels = new String[kept];
            String[] keptPayloads = new String[kept];
            for (int i = 0, j = 0; i < channels.length; i++) {
                if (!channels[i].equals(channel)) {
                    keptChannels[j] = channels[i];
                    keptPayloads[j++] = payloads[i];
                }
            }
            return new Pending(keptChannels, keptPayloads, ifVisible);
        }
    }

    /** A notification sent only if instance {@code instanceId} of hub {@code hubKey} has visible messages. */
    record VisibleWork(String channel, String payload, String hubKey, String instanceId) {
    }

    private Pending pending() {
        boolean conditional = visibleWorkOf != null && !work.contains(prefix + ORCHESTRATIONS);
        int count = work.size() + instances.size();
        String[] channels = new String[count];
        String[] payloads = new String[count];
        int i = 0;
        for (String payload : work) {
            channels[i] = WORK_CHANNEL;
            payloads[i++] = payload;
        }
        for (String payload : instances) {
            channels[i] = INSTANCE_CHANNEL;
            payloads[i++] = payload;
        }
        return new Pending(channels, payloads, conditional
                ? new VisibleWork(WORK_CHANNEL, prefix + ORCHESTRATIONS, hubKey, visibleWorkOf) : null);
    }

    /** Forgets what was gathered. */
    void clear() {
        work.clear();
        workOf.clear();
        instances.clear();
        visibleWorkOf = null;
    }
}
