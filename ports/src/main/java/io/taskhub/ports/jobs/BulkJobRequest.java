package io.taskhub.ports.jobs;

import io.taskhub.ports.errors.InvalidArgumentException;
import io.taskhub.ports.json.JsonCodec;
import io.taskhub.ports.query.InstanceQuery;
import io.taskhub.ports.rules.StorableText;

/**
 * A bulk job to start: the operation, the list filter its instances must match (paging aside), and what the
 * operation needs. Checked here, once, whoever builds it.
 *
 * @param reason       recorded with terminate, suspend, resume and rewind; may be null
 * @param eventName    the event a {@link BulkOperation#RAISE_EVENT} job raises; required for it, else null
 * @param eventPayload that event's JSON payload, or null
 */
public record BulkJobRequest(BulkOperation operation, InstanceQuery filter, String reason, String eventName,
        String eventPayload) {

    public BulkJobRequest {
        if (operation == null) {
            throw new InvalidArgumentException("A bulk job needs an operation.");
        }
        filter = (filter == null ? InstanceQuery.all() : filter).toBuilder().continuationToken(null)
                .fetchInputsAndOutputs(false).pageSize(BulkJobs.PAGE_SIZE).build();
        StorableText.require("reason", reason);
        if (operation == BulkOperation.RAISE_EVENT) {
            if (eventName == null || eventName.isBlank()) {
                throw new InvalidArgumentException("A raiseEvent job needs an event name.");
            }
            StorableText.require("eventName", eventName);
            JsonCodec.requireValidJson(eventPayload);
        } else if (eventName != null || eventPayload != null) {
            throw new InvalidArgumentException("Only a raiseEvent job takes an event name and payload.");
        }
    }
}
