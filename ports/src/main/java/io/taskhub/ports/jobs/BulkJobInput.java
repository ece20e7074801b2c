package io.taskhub.ports.jobs;

/**
 * The input of {@link BulkJobs#ORCHESTRATOR}: the job, and where it is (each execution continues as new with the
 * key to go on after and the progress so far; a new job has neither).
 */
public record BulkJobInput(BulkJobRequest request, String continuationToken, BulkJobProgress progress) {

    /** The input of a job that has not begun. */
    public static BulkJobInput of(BulkJobRequest request) {
        return new BulkJobInput(request, null, null);
    }
}
