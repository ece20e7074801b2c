package io.taskhub.core.jobs;

import io.taskhub.ports.client.TaskhubClient;
import io.taskhub.ports.errors.IllegalInstanceStateException;
import io.taskhub.ports.errors.InstanceNotFoundException;
import io.taskhub.ports.errors.InvalidArgumentException;
import io.taskhub.ports.jobs.BulkJobInput;
import io.taskhub.ports.jobs.BulkJobProgress;
import io.taskhub.ports.jobs.BulkJobProgress.Failure;
import io.taskhub.ports.jobs.BulkJobRequest;
import io.taskhub.ports.jobs.BulkJobs;
import io.taskhub.ports.jobs.BulkOperation;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.InstancePage;
import io.taskhub.ports.model.RuntimeStatus;
import io.taskhub.ports.orchestration.ActivityContext;
import io.taskhub.ports.orchestration.OrchestrationContext;
import io.taskhub.ports.orchestration.RetryPolicy;
import io.taskhub.ports.orchestration.TaskOptions;
import io.taskhub.ports.orchestration.TaskRegistry;
import io.taskhub.ports.orchestration.TaskhubPlugin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs bulk jobs on the engine itself: {@link BulkJobs#ORCHESTRATOR} counts what the filter matches, then applies
 * the operation one page at a time (an activity each, so a crash redoes at most one page: an instance refusing what
 * that page's first run did to it counts as done), keeping its progress as
 * its custom status and continuing as new every {@value #PAGES_PER_EXECUTION} pages (by default), so that neither its history
 * nor its memory grows with the number of instances. Paging is by key, so instances the operation changes (or
 * purges) do not shift the pages still to come. An instance that refuses the operation is counted and reported;
 * a storage failure fails the page's activity, which the job tries again.
 */
public final class BulkJobPlugin implements TaskhubPlugin {
    static final int PAGES_PER_EXECUTION = 50;
    /**
     * A page or count that fails (the storage away for a while) is tried again, for about ten minutes in all, before
     * the job fails; a page redone is harmless (see {@link #alreadyDone}).
     */
    private static final TaskOptions RETRIED = TaskOptions.withRetry(RetryPolicy.of(10, Duration.ofSeconds(2))
            .withBackoff(2, Duration.ofMinutes(2)));

    private final int pagesPerExecution;

    public BulkJobPlugin() {
        this(PAGES_PER_EXECUTION);
    }

    BulkJobPlugin(int pagesPerExecution) {
        this.pagesPerExecution = pagesPerExecution;
    }

    /** What one page did, and the key to go on after (null on the last page). */
    record PageResult(long done, List<Failure> failures, String next) {
    }

    /** The request and the key of the page to do. */
    record PageTask(BulkJobRequest request, String continuationToken) {
    }

    @Override
    public void register(TaskRegistry registry) {
        registry.addOrchestrator(BulkJobs.ORCHESTRATOR, this::run);
        registry.addActivity(BulkJobs.COUNT_ACTIVITY, BulkJobPlugin::count);
        registry.addActivity(BulkJobs.PAGE_ACTIVITY, BulkJobPlugin::page);
    }

    private Object run(OrchestrationContext ctx) {
        BulkJobInput state = ctx.getInput(BulkJobInput.class);
        BulkJobProgress progress = state.progress();
        if (progress == null) {
            long matched = ctx.callActivity(BulkJobs.COUNT_ACTIVITY, state.request(), RETRIED, Long.class).await();
            progress = new BulkJobProgress(state.request().operation().wireName(), matched, 0, 0, List.of(), false);
            ctx.setCustomStatus(progress);
        }
        String token = state.continuationToken();
        for (int page = 0; page < pagesPerExecution; page++) {
            PageResult result = ctx.callActivity(BulkJobs.PAGE_ACTIVITY, new PageTask(state.request(), token),
                    RETRIED, PageResult.class).await();
            progress = add(progress, result);
            token = result.next();
            if (token == null) {
                BulkJobProgress done = complete(progress);
                ctx.setCustomStatus(done);
                return done;
            }
            ctx.setCustomStatus(progress);
        }
        ctx.continueAsNew(new BulkJobInput(state.request(), token, progress), false);
        return null;
    }

    private static BulkJobProgress add(BulkJobProgress progress, PageResult page) {
        List<Failure> failures = new ArrayList<>(progress.failures());
        for (Failure failure : page.failures()) {
            if (failures.size() < BulkJobs.FAILURES_KEPT) {
                failures.add(failure);
            }
        }
        return new BulkJobProgress(progress.operation(), progress.matched(), progress.done() + page.done(),
                progress.failed() + page.failures().size(), failures, false);
    }

    private static BulkJobProgress complete(BulkJobProgress progress) {
        return new BulkJobProgress(progress.operation(), progress.matched(), progress.done(), progress.failed(),
                progress.failures(), true);
    }

    /** How many instances the filter matches now, the jobs themselves left out. */
    private static Long count(ActivityContext ctx) {
        return BulkJobs.targets(ctx.client(), ctx.getInput(BulkJobRequest.class).filter());
    }

    private static PageResult page(ActivityContext ctx) {
        PageTask task = ctx.getInput(PageTask.class);
        BulkJobRequest request = task.request();
        TaskhubClient client = ctx.client();
        InstancePage page = client.list(request.filter().toBuilder().continuationToken(task.continuationToken())
                .build());
        long done = 0;
        List<Failure> failures = new ArrayList<>();
        for (InstanceMetadata instance : page.instances()) {
            if (instance.name().equals(BulkJobs.ORCHESTRATOR)) {
                continue; // a job never acts on a job (nor on itself)
            }
            try {
                apply(client, request, instance.instanceId());
                done++;
            } catch (IllegalInstanceStateException refused) {
                if (alreadyDone(request.operation(), refused)) {
                    done++;
                } else {
                    failures.add(new Failure(instance.instanceId(), refused.getMessage()));
                }
            } catch (InstanceNotFoundException gone) {
                if (request.operation() == BulkOperation.PURGE) {
                    done++; // purged meanwhile, or by this page's earlier run
                } else {
                    failures.add(new Failure(instance.instanceId(), gone.getMessage()));
                }
            } catch (InvalidArgumentException refused) {
                failures.add(new Failure(instance.instanceId(), refused.getMessage()));
            }
        }
        String next = page.instances().size() < request.filter().pageSize() ? null : page.continuationToken();
        return new PageResult(done, failures, next);
    }

    /**
     * Whether a refusal says the operation's effect is there already: a page is redone after a crash, and its
     * instances then refuse what its first run did to them. (A raiseEvent page redone raises its events again:
     * events are delivered at least once.)
     */
    private static boolean alreadyDone(BulkOperation operation, IllegalInstanceStateException refused) {
        return switch (operation) {
            case TERMINATE -> refused.status() == RuntimeStatus.Terminated;
            case SUSPEND -> refused.status() == RuntimeStatus.Suspended;
            case RESUME -> refused.status() == RuntimeStatus.Running;
            default -> false;
        };
    }

    private static void apply(TaskhubClient client, BulkJobRequest request, String instanceId) {
        switch (request.operation()) {
            case TERMINATE -> client.terminate(instanceId, request.reason(), false);
            case SUSPEND -> client.suspend(instanceId, request.reason());
            case RESUME -> client.resume(instanceId, request.reason());
            case REWIND -> client.rewind(instanceId, request.reason());
            case RAISE_EVENT -> client.raiseEvent(instanceId, request.eventName(), request.eventPayload());
            case PURGE -> client.purge(instanceId, false);
            default -> throw new IllegalStateException("No bulk action for " + request.operation());
        }
    }
}
