package io.taskhub.azure.internal;

import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.model.RuntimeStatus;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * The body of a control-queue message: one event for one instance's inbox.
 *
 * @param id  the message's logical id (a UUID): the same for every copy of one logical message, so that a copy
 *            delivered again after its checkpoint committed is recognised and dropped
 * @param iid the target instance id
 * @param xid the target execution id, or null for whichever is current
 * @param ev  the event, or null when it is stored out of line under {@code ref}
 * @param ref a payload reference (see {@link PayloadStore}) holding the event's JSON
 * @param due when the message is due (timers, scheduled starts, retries); it may wait in the queue in several
 *            steps when the delay is longer than the queue allows
 * @param rv  the instance revision the message waits for: results of work the instance scheduled in a
 *            checkpoint whose instance row is not written yet are held back until it is
 * @param prv for a sub-orchestration start: the revision the parent's result must wait for
 * @param bn  how many times the message went back to the queue without being processed (deferrals); these
 *            deliveries do not count as failed attempts
 * @param ts  when the message was sent, in nanoseconds since the epoch: the inbox order
 * @param inc the incarnation of the target the sender saw (its row's creation time), or null: a message sent
 *            to an instance that was purged or replaced since is dropped, as its inbox would have been
 * @param rs  for a start: the statuses in which it replaces an instance of another execution (the condition core
 *            gave it); null for other messages, and on starts sent before the field existed
 * @param at  the attempt at a step last recorded as started with this message its oldest, 0 for none (see
 *            {@link AttemptRecord})
 */
record Envelope(String id, String iid, String xid, HistoryEvent ev, String ref, Instant due, Long rv,
        Long prv, int bn, long ts, String inc, Set<RuntimeStatus> rs, int at) {

    public Envelope withBenign(int count) {
        return new Envelope(id, iid, xid, ev, ref, due, rv, prv, count, ts, inc, rs, at);
    }

    public Envelope withPayload(String reference) {
        return new Envelope(id, iid, xid, null, reference, due, rv, prv, bn, ts, inc, rs, at);
    }

    /**
     * What this start replaces. A start sent before starts carried their condition replaces a finished instance,
     * which is what the engine asked of every start then.
     */
    Set<RuntimeStatus> replaces() {
        if (rs != null) {
            return rs;
        }
        Set<RuntimeStatus> finished = EnumSet.noneOf(RuntimeStatus.class);
        for (RuntimeStatus status : RuntimeStatus.values()) {
            if (status.isTerminal()) {
                finished.add(status);
            }
        }
        return finished;
    }

    public Envelope withIncarnation(String incarnation) {
        return new Envelope(id, iid, xid, ev, ref, due, rv, prv, bn, ts, incarnation, rs, at);
    }

    public Envelope withAttempt(int attempt) {
        return new Envelope(id, iid, xid, ev, ref, due, rv, prv, bn, ts, inc, rs, attempt);
    }
}
