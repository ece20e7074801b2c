package io.taskhub.azure.internal;

/**
 * Which attempt a delivery of a queue message is. A queue's dequeue count is no attempt count: a message also
 * comes back when it waited, received but not started, in a process that crashed or stalled, or when a receive's
 * answer was lost; counting those would fail work as poison that never ran. So a delivery that may be a retry
 * writes the attempt it starts into the message body (field {@code at}) before the work runs, and the next
 * delivery counts from that record, whatever happened to the receipts in between.
 *
 * <p>A first delivery (the dequeue count less the deliveries known not to be attempts is 1) writes nothing: that
 * is the common case and costs no extra call. A later delivery without a record therefore presumes that the
 * first one ran: a first delivery lost unstarted counts once, and never more than once.
 */
final class AttemptRecord {
    private AttemptRecord() {
    }

    /**
     * @param deliveries the deliveries that may have been attempts: the dequeue count less those known not to be
     * @param recorded   the attempt last recorded in the body (0: none)
     * @return the attempt this delivery is
     */
    static int attempt(long deliveries, int recorded) {
        if (recorded > 0) {
            return recorded + 1;
        }
        return deliveries <= 1 ? 1 : 2;
    }

    /** Whether the attempt must be recorded in the body before its work runs. */
    static boolean mustRecord(int attempt) {
        return attempt > 1;
    }
}
