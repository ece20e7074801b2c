package io.taskhub.azure.internal;

import java.util.Map;

/**
 * The history sentinel: the row (row key {@value HistoryRows#SENTINEL}) in an instance's history partition
 * that every checkpoint updates in the same entity-group transaction as the history rows, conditional on the
 * ETag read when the work item was claimed. A worker that lost its claim fails there (412) instead of writing
 * history twice. It also says which history rows are current and what the checkpoint wrote.
 *
 * @param etag         null when the sentinel does not exist (no checkpoint yet)
 * @param executionId  the execution the current history belongs to
 * @param generation   rows of older generations (before a continue-as-new, replacement or rewind) are garbage
 * @param count        history rows of the current generation that are committed (rows beyond are garbage)
 * @param checkpoints  committed checkpoints so far: the step counter that outbound message ids derive from
 * @param consumed     recently consumed message ids
 * @param instanceCopy the instance row's properties as the last checkpoint wrote them, so that a row write
 *                     lost to a crash is repaired at the next claim
 */
record Sentinel(String etag, String executionId, int generation, int count, long checkpoints,
        ConsumedIds consumed, Map<String, Object> instanceCopy) {

    static Sentinel absent() {
        return new Sentinel(null, null, 0, 0, 0, ConsumedIds.empty(), Map.of());
    }

    public boolean exists() {
        return etag != null;
    }
}
