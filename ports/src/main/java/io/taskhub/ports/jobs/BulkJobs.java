package io.taskhub.ports.jobs;

import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.client.TaskhubClient;
import io.taskhub.ports.json.JsonCodec;
import io.taskhub.ports.query.InstanceQuery;
import java.util.UUID;

/** The names a bulk job runs under, shared by whoever starts, runs and shows jobs. */
public final class BulkJobs {
    /** The built-in orchestrator that runs a job; instances of it are never a job's own targets. */
    public static final String ORCHESTRATOR = "TaskhubBulkJob";
    /** The built-in activity that counts what a job's filter matches. */
    public static final String COUNT_ACTIVITY = "TaskhubBulkJobCount";
    /** The built-in activity that applies a job's operation to one page of its filter. */
    public static final String PAGE_ACTIVITY = "TaskhubBulkJobPage";
    /** Jobs' instance ids start with this. */
    public static final String ID_PREFIX = "taskhub-job-";
    /** Instances per page (one activity each). */
    public static final int PAGE_SIZE = 100;
    /** Refusals kept with their reasons in a job's progress (all are counted). */
    public static final int FAILURES_KEPT = 100;

    private BulkJobs() {
    }

    /** The start of a new job under a new id (see {@link #ID_PREFIX}). */
    public static StartInstanceRequest start(BulkJobRequest request) {
        return StartInstanceRequest.of(ORCHESTRATOR, JsonCodec.write(BulkJobInput.of(request)))
                .withInstanceId(ID_PREFIX + UUID.randomUUID().toString().replace("-", ""));
    }

    /**
     * How many instances a job with {@code filter} would act on now: what the filter matches, less the jobs among
     * them (a job leaves jobs alone).
     */
    public static long targets(TaskhubClient client, InstanceQuery filter) {
        boolean jobsCanMatch = filter.name() == null || filter.name().equals(ORCHESTRATOR);
        long jobs = jobsCanMatch ? count(client, filter.toBuilder().name(ORCHESTRATOR).build()) : 0;
        return count(client, filter) - jobs;
    }

    private static long count(TaskhubClient client, InstanceQuery filter) {
        return client.countByStatus(filter).values().stream().mapToLong(Long::longValue).sum();
    }

    /** A job's stored input, or null when it has none or it is not a job's (anyone may start the orchestrator). */
    public static BulkJobInput input(String inputJson) {
        return readOrNull(inputJson, BulkJobInput.class);
    }

    /** The progress a job's custom status (or output) holds, or null when it has none (yet) or it is not one. */
    public static BulkJobProgress progress(String customStatusJson) {
        return readOrNull(customStatusJson, BulkJobProgress.class);
    }

    private static <T> T readOrNull(String json, Class<T> type) {
        if (json == null || json.isBlank() || json.equals("null")) {
            return null;
        }
        try {
            return JsonCodec.read(json, type);
        } catch (RuntimeException notAJobs) {
            return null;
        }
    }
}
