package io.taskhub.core.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskhub.core.memory.InMemoryStorageBackend;
import io.taskhub.ports.client.StartInstanceRequest;
import io.taskhub.ports.client.StatusOptions;
import io.taskhub.ports.errors.InvalidArgumentException;
import io.taskhub.ports.jobs.BulkJobProgress;
import io.taskhub.ports.jobs.BulkJobRequest;
import io.taskhub.ports.jobs.BulkJobs;
import io.taskhub.ports.jobs.BulkOperation;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.query.InstanceQuery;
import io.taskhub.ports.store.StorageBackend;
import io.taskhub.tck.EngineSuiteBase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bulk jobs run on the engine: each pages through its filter (over several executions here: two pages each),
 * applies its operation to every match, counts and reports refusals, and never touches a job.
 */
class BulkJobTest extends EngineSuiteBase {
    private static InMemoryStorageBackend backend;

    @BeforeAll
    static void createBackend() {
        backend = new InMemoryStorageBackend();
    }

    @AfterAll
    static void closeBackend() {
        backend.close();
    }

    @Override
    protected StorageBackend backend() {
        return backend;
    }

    @BeforeEach
    void runJobsToo() {
        stopWorkers();
        new BulkJobPlugin(2).register(registry); // two pages per execution: the jobs below continue as new
        startWorker(workerOptions());
    }

    @Test
    void terminate_byIdPrefix_actsOnEveryPage_andCountsWhatRefused() {
        List<String> waiting = startWaiting("bulk-a-", 250);
        String finished = start("Echo", "\"done already\"", "bulk-a-finished");
        awaitCompletion(finished);
        List<String> others = startWaiting("bulk-b-", 3);

        BulkJobProgress progress = runJob(new BulkJobRequest(BulkOperation.TERMINATE,
                InstanceQuery.builder().instanceIdPrefix("bulk-a-").build(), "cleaning up", null, null));

        assertThat(progress.matched()).isEqualTo(251);
        assertThat(progress.done()).isEqualTo(250);
        assertThat(progress.failed()).isEqualTo(1);
        assertThat(progress.failures()).singleElement().satisfies(f -> {
            assertThat(f.instanceId()).isEqualTo(finished);
            assertThat(f.reason()).contains("Completed");
        });
        assertThat(progress.complete()).isTrue();
        assertThat(progress.remaining()).isZero();
        for (String id : waiting) {
            assertThat(awaitCompletion(id).runtimeStatus()).as(id).isEqualTo(RuntimeStatus.Terminated);
        }
        for (String id : others) {
            assertThat(metadata(id).runtimeStatus()).as(id).isEqualTo(RuntimeStatus.Running);
        }
    }

    @Test
    void raiseEvent_completesEveryWaitingInstance_andPurge_deletesThemAfter_butNeverAJob() {
        List<String> waiting = startWaiting("bulk-e-", 5);
        runJob(new BulkJobRequest(BulkOperation.RAISE_EVENT, InstanceQuery.builder().instanceIdPrefix("bulk-e-")
                .build(), null, "Go", "{\"by\":\"job\"}"));
        for (String id : waiting) {
            assertThat(awaitCompletion(id).output()).isEqualTo("{\"by\":\"job\"}");
        }

        BulkJobProgress purged = runJob(new BulkJobRequest(BulkOperation.PURGE,
                InstanceQuery.builder().statuses(Set.of(RuntimeStatus.Completed)).build(), null, null, null));

        assertThat(purged.done()).as("the five, not the finished raise-event job").isEqualTo(5);
        for (String id : waiting) {
            assertThat(client.getStatus(id, StatusOptions.DEFAULT)).as(id).isEmpty();
        }
        assertThat(client.list(InstanceQuery.builder().name(BulkJobs.ORCHESTRATOR).build()).instances())
                .as("both jobs are still there").hasSize(2);
    }

    @Test
    void aJobOverTenThousandInstances_goesThroughEveryPage_inExecutionsOfTwoPages() {
        List<StartInstanceRequest> starts = new ArrayList<>();
        Instant later = Instant.now().plus(Duration.ofDays(1)); // Pending until then: nothing runs but the job
        for (int i = 0; i < 10_000; i++) {
            starts.add(StartInstanceRequest.of("WaitEvent", null).withInstanceId("many-" + i).withStartAt(later));
            if (starts.size() == 1_000) {
                client.startNewBatch(starts);
                starts.clear();
            }
        }

        // The in-memory store looks through every instance for each claim: its 10,000 terminations took close to a
        // minute on a slow two-core machine. The test is about the pages, so it waits longer than the suite's minute.
        BulkJobProgress progress = runJob(new BulkJobRequest(BulkOperation.TERMINATE,
                InstanceQuery.builder().instanceIdPrefix("many-").build(), "too many", null, null),
                Duration.ofMinutes(4));

        assertThat(progress.matched()).isEqualTo(10_000);
        assertThat(progress.done()).isEqualTo(10_000);
        assertThat(progress.failed()).isZero();
    }

    @Test
    void aRequest_namesWhatIsWrong() {
        assertThatThrownBy(() -> BulkOperation.parse("explode")).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("explode").hasMessageContaining("terminate");
        assertThatThrownBy(() -> new BulkJobRequest(BulkOperation.RAISE_EVENT, null, null, null, null))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("event name");
        assertThatThrownBy(() -> new BulkJobRequest(BulkOperation.RAISE_EVENT, null, null, "Go", "{oops"))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("JSON");
        assertThatThrownBy(() -> new BulkJobRequest(BulkOperation.TERMINATE, null, null, "Go", null))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("raiseEvent");
    }

    private List<String> startWaiting(String prefix, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(start("WaitEvent", null, prefix + i));
        }
        ids.forEach(id -> awaitStatus(id, RuntimeStatus.Running));
        return ids;
    }

    private BulkJobProgress runJob(BulkJobRequest request) {
        return runJob(request, WAIT);
    }

    private BulkJobProgress runJob(BulkJobRequest request, Duration wait) {
        String job = client.startNew(BulkJobs.start(request));
        InstanceMetadata done = client.waitForCompletion(job, wait).orElseThrow();
        assertThat(done.runtimeStatus()).as("job %s: %s", job, done.output()).isEqualTo(RuntimeStatus.Completed);
        BulkJobProgress progress = BulkJobs.progress(done.output());
        assertThat(BulkJobs.progress(done.customStatus())).as("the last progress is the output").isEqualTo(progress);
        return progress;
    }
}
