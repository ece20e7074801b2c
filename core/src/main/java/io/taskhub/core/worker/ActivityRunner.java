package io.taskhub.core.worker;

import io.taskhub.core.json.JsonDataConverter;
import io.taskhub.core.registry.OrchestrationRegistry;
import io.taskhub.ports.client.ManagementLinks;
import io.taskhub.ports.client.ManagementPayload;
import io.taskhub.ports.client.TaskhubClient;
import io.taskhub.ports.history.HistoryEvent;
import io.taskhub.ports.history.TaskCompleted;
import io.taskhub.ports.history.TaskFailed;
import io.taskhub.ports.model.FailureDetails;
import io.taskhub.ports.orchestration.Activity;
import io.taskhub.ports.orchestration.ActivityContext;
import io.taskhub.ports.remote.RemoteWorkers;
import io.taskhub.ports.store.ActivityTask;
import io.taskhub.ports.store.ActivityWorkItem;
import io.taskhub.ports.store.InstanceMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Runs one activity work item and turns its return value or exception into the result message. */
final class ActivityRunner {
    private final OrchestrationRegistry registry;
    private final int poisonLimit;
    private final TaskhubClient client;
    private final ManagementLinks links;
    private volatile RemoteWorkers remote;
    private volatile Duration remoteTimeout;

    ActivityRunner(OrchestrationRegistry registry, int poisonLimit, TaskhubClient client, ManagementLinks links) {
        this.registry = registry;
        this.poisonLimit = poisonLimit;
        this.client = client;
        this.links = links;
    }

    /** Where activities this process does not have run; each waits at most {@code timeout} for its result. */
    void runRemotely(RemoteWorkers workers, Duration timeout) {
        this.remoteTimeout = timeout;
        this.remote = workers;
    }

    /**
     * Runs the activity here, or in a remote worker when this process lacks it.
     *
     * @throws io.taskhub.ports.remote.RemoteWorkUnavailableException when it should run remotely and no remote
     *         worker took it (it goes back uncounted)
     */
    InstanceMessage run(ActivityWorkItem item, Instant now) {
        ActivityTask task = item.task();
        HistoryEvent result;
        if (item.dequeueCount() > poisonLimit) {
            result = new TaskFailed(now, task.taskId(), new FailureDetails("PoisonMessage", "Activity '"
                    + task.name() + "' did not complete after " + item.dequeueCount() + " attempts (the limit is "
                    + poisonLimit + "); the worker running it may have crashed each time."));
        } else {
            Optional<Activity> activity = registry.activity(task.name());
            RemoteWorkers workers = remote;
            if (activity.isEmpty() && workers != null) {
                result = runRemotely(workers, task);
            } else if (activity.isEmpty()) {
                result = new TaskFailed(now, task.taskId(), new FailureDetails("ActivityNotFound",
                        "No activity named '" + task.name() + "' is registered with this worker, nor with any running"
                        + " worker of the task hub."));
            } else {
                result = invoke(activity.get(), task);
            }
        }
        return new InstanceMessage(task.instanceId(), task.executionId(), result, null);
    }

    private HistoryEvent runRemotely(RemoteWorkers workers, ActivityTask task) {
        RemoteWorkers.ActivityAnswer answer = workers.runActivity(new RemoteWorkers.ActivityWork(task.name(),
                task.input(), task.instanceId(), task.executionId(), task.taskId()), remoteTimeout);
        return answer.failure() != null ? new TaskFailed(Instant.now(), task.taskId(), answer.failure())
                : new TaskCompleted(Instant.now(), task.taskId(), answer.result());
    }

    private HistoryEvent invoke(Activity activity, ActivityTask task) {
        try {
            Object value = activity.run(new Context(task, client, links));
            return new TaskCompleted(Instant.now(), task.taskId(), JsonDataConverter.serialize(value));
        } catch (Exception e) {
            return new TaskFailed(Instant.now(), task.taskId(), FailureDetails.from(e));
        }
    }

    private record Context(ActivityTask task, TaskhubClient client, ManagementLinks links)
            implements ActivityContext {
        @Override
        public ManagementPayload instanceManagementPayload() {
            return links.payload(client.taskHub(), task.instanceId());
        }

        @Override
        public String name() {
            return task.name();
        }

        @Override
        public String instanceId() {
            return task.instanceId();
        }

        @Override
        public int taskId() {
            return task.taskId();
        }

        @Override
        public String rawInput() {
            return task.input();
        }

        @Override
        public <T> T getInput(Class<T> type) {
            return JsonDataConverter.deserialize(task.input(), type);
        }
    }
}
