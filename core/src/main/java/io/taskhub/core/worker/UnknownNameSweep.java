package io.taskhub.core.worker;

import io.taskhub.core.engine.StepProcessor;
import io.taskhub.ports.errors.LockLostException;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.store.ActivityWorkItem;
import io.taskhub.ports.store.InstanceMessage;
import io.taskhub.ports.store.NameFilter;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.OrchestrationWorkItem;
import io.taskhub.ports.store.WorkerRegistration;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code unknownNameTimeout} rule: work for a name that no live worker runs waits (claims never take it), and
 * once it has waited longer than the timeout, a worker fails it: an instance whose orchestrator nobody runs ends
 * Failed (OrchestratorNotFound); a task whose activity nobody runs gets an ActivityNotFound failure, which its
 * orchestration may handle. It claims such work with a filter of every name but the live workers' own, so it
 * never touches work that a worker can run. Without a timeout (the default) it does nothing.
 */
final class UnknownNameSweep implements Runnable {
    private static final System.Logger LOG = System.getLogger(UnknownNameSweep.class.getName());
    /** At most this many items of each kind per sweep; the next sweep goes on. */
    private static final int BATCH = 100;

    private final OrchestrationStore store;
    private final WorkerOptions options;
    private final StepProcessor steps;
    private final ActivityRunner activities;

    UnknownNameSweep(OrchestrationStore store, WorkerOptions options, StepProcessor steps, ActivityRunner activities) {
        this.store = store;
        this.options = options;
        this.steps = steps;
        this.activities = activities;
    }

    @Override
    public void run() {
        Duration timeout = options.unknownNameTimeout();
        if (timeout == null) {
            return;
        }
        List<WorkerRegistration> live = store.liveWorkers();
        Set<String> orchestrators = new HashSet<>();
        Set<String> activityNames = new HashSet<>();
        live.forEach(w -> {
            orchestrators.addAll(w.orchestrators());
            activityNames.addAll(w.activities());
        });
        failOrchestrations(NameFilter.except(orchestrators), timeout);
        failActivities(NameFilter.except(activityNames), timeout);
    }

    private void failOrchestrations(NameFilter unserved, Duration timeout) {
        for (int i = 0; i < BATCH; i++) {
            Optional<OrchestrationWorkItem> claimed = store.claimOrchestrationWorkItem(options.workerId(),
                    options.leaseDuration(), options.maxMessagesPerStep(), unserved);
            if (claimed.isEmpty()) {
                return;
            }
            OrchestrationWorkItem item = claimed.get();
            Duration waited = Duration.between(item.instance().lastUpdatedAt(), store.now());
            if (waited.compareTo(timeout) < 0) {
                store.abandonOrchestrationWorkItem(item, timeout.minus(waited));
                continue;
            }
            LOG.log(System.Logger.Level.WARNING, "No running worker has orchestrator '" + item.instance().name()
                    + "'; instance " + item.instanceId() + " waited " + seconds(waited) + " (worker."
                    + "unknownNameTimeout is " + seconds(timeout) + ") and is failed.");
            try {
                steps.process(item);
            } catch (LockLostException e) {
                LOG.log(System.Logger.Level.DEBUG, "Instance " + item.instanceId() + " changed meanwhile: " + e);
            } catch (RuntimeException e) {
                store.abandonOrchestrationWorkItem(item, Duration.ofSeconds(1));
                throw e;
            }
        }
    }

    private void failActivities(NameFilter unserved, Duration timeout) {
        for (int i = 0; i < BATCH; i++) {
            Optional<ActivityWorkItem> claimed = store.claimActivityWorkItem(options.workerId(),
                    options.leaseDuration(), unserved);
            if (claimed.isEmpty()) {
                return;
            }
            ActivityWorkItem item = claimed.get();
            // A task is scheduled by its instance's step, so it has waited at least since the row's last update.
            Instant since = store.getInstance(item.task().instanceId()).map(InstanceMetadata::lastUpdatedAt)
                    .orElse(Instant.MIN);
            Duration waited = since == Instant.MIN ? timeout : Duration.between(since, store.now());
            if (waited.compareTo(timeout) < 0) {
                store.abandonActivityWorkItem(item, timeout.minus(waited));
                continue;
            }
            LOG.log(System.Logger.Level.WARNING, "No running worker has activity '" + item.task().name()
                    + "'; its task for instance " + item.task().instanceId() + " waited " + seconds(waited)
                    + " (worker.unknownNameTimeout is " + seconds(timeout) + ") and is failed.");
            InstanceMessage failure = activities.run(item, store.now());
            try {
                store.completeActivityWorkItem(item, failure);
            } catch (LockLostException e) {
                LOG.log(System.Logger.Level.DEBUG, "Task of " + item.task().instanceId() + " changed meanwhile: " + e);
            }
        }
    }

    private static String seconds(Duration duration) {
        return duration.toSeconds() + " s";
    }
}
