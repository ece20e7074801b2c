package io.taskhub.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskhub.ports.history.TaskCompleted;
import io.taskhub.ports.store.ActivityClaim;
import io.taskhub.ports.store.ActivityTask;
import io.taskhub.ports.store.ActivityWorkItem;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.Lease;
import io.taskhub.ports.store.NameFilter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * How {@link ResultBatches} groups completions, with a committer that stands in for the database statement (the
 * statement itself is tested against PostgreSQL in {@code ResultBatchTest}): completions that arrive while batches
 * commit go together, at most two batches commit at once, each thread gets its own completion's outcome, and a
 * batch that fails fails each of its completions.
 */
class ResultBatchesTest {
    private static final ActivityClaim CLAIM = new ActivityClaim("w", Duration.ofMinutes(1), NameFilter.ANY);

    @Test
    void completionsArrivingWhileBatchesCommit_goTogether_andEachThreadGetsItsOwnOutcome() throws Exception {
        ResultBatches batches = new ResultBatches();
        AtomicInteger committing = new AtomicInteger();
        AtomicInteger mostCommittingAtOnce = new AtomicInteger();
        AtomicInteger largestBatch = new AtomicInteger();
        ResultBatches.Committer committer = (batch, claim) -> {
            mostCommittingAtOnce.accumulateAndGet(committing.incrementAndGet(), Math::max);
            largestBatch.accumulateAndGet(batch.size(), Math::max);
            sleep(2); // a commit's flush, while other threads queue theirs
            for (ResultBatches.Pending p : batch) {
                // Each outcome names its own task, so that a thread given another's would notice.
                p.finish(new ActivityWork.Completed(true, Optional.of(p.completion.item())));
            }
            committing.decrementAndGet();
        };
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                done.add(threads.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        ActivityWorkItem item = item(thread * 1000 + i);
                        ActivityWork.Completed outcome = batches.complete(new ResultBatches.Pending(
                                new ActivityWork.Completion(item, result(item)), CLAIM), committer);
                        assertThat(outcome.claimed()).containsSame(item);
                    }
                    return 50;
                }));
            }
            for (Future<Integer> f : done) {
                assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(50);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(largestBatch.get()).as("the largest batch").isGreaterThan(1);
        assertThat(mostCommittingAtOnce.get()).as("batches committing at once").isBetween(1,
                ResultBatches.MAX_COMMITTING);
    }

    @Test
    void aBatchThatFails_failsEachOfItsCompletions() {
        ResultBatches batches = new ResultBatches();
        ActivityWorkItem item = item(1);

        assertThatThrownBy(() -> batches.complete(new ResultBatches.Pending(new ActivityWork.Completion(item,
                result(item)), CLAIM), (batch, claim) -> {
                    throw new IllegalStateException("the database went away");
                })).isInstanceOf(IllegalStateException.class).hasMessage("the database went away");
        // The next completion is committed as usual.
        ActivityWork.Completed next = batches.complete(new ResultBatches.Pending(new ActivityWork.Completion(item,
                result(item)), CLAIM), (batch, claim) -> batch.forEach(p -> p.finish(new ActivityWork.Completed(false,
                        Optional.empty()))));
        assertThat(next.done()).isFalse();
    }

    private static ActivityWorkItem item(int seq) {
        return new ActivityWorkItem(new ActivityTask("i", "e", seq, "Work", null), 1,
                new Lease("w", "t" + seq, Instant.now().plusSeconds(60)), new ActivityWork.TaskReceipt(seq));
    }

    private static InstanceMessage result(ActivityWorkItem item) {
        return InstanceMessage.of("i", new TaskCompleted(Instant.now(), item.task().taskId(), "1"));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
