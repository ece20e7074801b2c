package io.taskhub.azure.internal;

/**
 * The body of a work-item-queue message: one activity to run.
 *
 * @param id    the logical id of the scheduling (stable across a re-run of the scheduling step); the result
 *              message's id derives from it, so results of repeated runs are recognised as duplicates
 * @param input the activity input, or null when stored out of line under {@code ref}
 * @param rv    the revision of the instance row written by the scheduling checkpoint; the result waits for it
 * @param bn    benign redeliveries (not counted as attempts)
 * @param ts    when the task was scheduled (nanoseconds since the epoch): older tasks run first
 * @param tp    the W3C traceparent of the scheduling step, or null (absent in messages sent before it existed)
 * @param at    the attempt last recorded as started, 0 for none (see {@link AttemptRecord})
 */
record TaskEnvelope(String id, String iid, String xid, int tid, String name, String input, String ref,
        long rv, int bn, long ts, String tp, int at) {

    public TaskEnvelope withBenign(int count) {
        return new TaskEnvelope(id, iid, xid, tid, name, input, ref, rv, count, ts, tp, at);
    }

    public TaskEnvelope withPayload(String reference) {
        return new TaskEnvelope(id, iid, xid, tid, name, null, reference, rv, bn, ts, tp, at);
    }

    public TaskEnvelope withAttempt(int attempt) {
        return new TaskEnvelope(id, iid, xid, tid, name, input, ref, rv, bn, ts, tp, attempt);
    }
}
