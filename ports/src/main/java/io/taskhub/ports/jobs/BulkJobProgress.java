package io.taskhub.ports.jobs;

import java.util.List;

/**
 * How far a bulk job is: what its filter matched when it began, what it did, what was refused (the first
 * {@value BulkJobs#FAILURES_KEPT} with their reasons, all of them counted), and whether it is done. It is the job's
 * custom status while it runs and its output when it completes.
 *
 * @param matched  instances the filter matched when the job began (its own instances left out)
 * @param done     instances the operation was applied to
 * @param failed   instances that refused it (already finished, say), each counted once
 * @param complete whether the job went through every page of its filter
 */
public record BulkJobProgress(String operation, long matched, long done, long failed, List<Failure> failures,
        boolean complete) {

    public BulkJobProgress {
        failures = failures == null ? List.of() : List.copyOf(failures);
    }

    /** An instance that refused the operation, and why. */
    public record Failure(String instanceId, String reason) {
    }

    /** Instances still to go (those created after the job began may add to it). */
    public long remaining() {
        return complete ? 0 : Math.max(0, matched - done - failed);
    }
}
