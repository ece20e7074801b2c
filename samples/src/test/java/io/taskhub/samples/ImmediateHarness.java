package io.taskhub.samples;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.taskhub.ports.json.JsonCodec;
import io.taskhub.ports.model.FailureDetails;
import io.taskhub.ports.orchestration.Activity;
import io.taskhub.ports.orchestration.ActivityContext;
import io.taskhub.ports.orchestration.DurableTask;
import io.taskhub.ports.orchestration.OrchestrationContext;
import io.taskhub.ports.orchestration.Orchestrator;
import io.taskhub.ports.orchestration.TaskFailedException;
import io.taskhub.ports.orchestration.TaskOptions;
import io.taskhub.ports.orchestration.TaskRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Runs the samples without an engine: activities and sub-orchestrations run at once on the calling thread,
 * timers are already fired, and an external event has arrived only if it was raised before the run. Every
 * value crosses a JSON round trip, as it would in a real engine. This checks the samples' logic, not
 * durability or replay.
 */
final class ImmediateHarness implements TaskRegistry {
    private final Map<String, Orchestrator> orchestrators = new HashMap<>();
    private final Map<String, Activity> activities = new HashMap<>();
    private final Map<String, String> raisedEvents = new HashMap<>();
    final List<String> startedInstances = new ArrayList<>();

    ImmediateHarness() {
        new SamplesPlugin().register(this);
    }

    @Override
    public TaskRegistry addOrchestrator(String name, Orchestrator orchestrator) {
        if (orchestrators.put(key(name), orchestrator) != null) {
            throw new IllegalStateException("orchestrator registered twice: " + name);
        }
        return this;
    }

    @Override
    public TaskRegistry addActivity(String name, Activity activity) {
        if (activities.put(key(name), activity) != null) {
            throw new IllegalStateException("activity registered twice: " + name);
        }
        return this;
    }

    Map<String, Orchestrator> orchestrators() {
        return orchestrators;
    }

    Map<String, Activity> activities() {
        return activities;
    }

    /** Makes event {@code name} with {@code payload} available to every instance run afterwards. */
    ImmediateHarness raise(String name, Object payload) {
        raisedEvents.put(key(name), JsonCodec.write(payload));
        return this;
    }

    Outcome run(String orchestrator, String instanceId, Object input) {
        return run(orchestrator, instanceId, input == null ? null : JsonCodec.write(input));
    }

    Outcome run(String orchestrator, String instanceId, String rawInput) {
        Orchestrator code = orchestrators.get(key(orchestrator));
        if (code == null) {
            throw new IllegalArgumentException("no orchestrator " + orchestrator);
        }
        startedInstances.add(instanceId);
        Context ctx = new Context(instanceId, orchestrator, rawInput);
        try {
            Object output = code.run(ctx);
            return new Outcome(JsonCodec.write(output), null, ctx.customStatus, null);
        } catch (ContinuedAsNew e) {
            return new Outcome(null, null, ctx.customStatus, ctx.continuedWith);
        } catch (Exception e) {
            return new Outcome(null, e, ctx.customStatus, null);
        }
    }

    /** How one run ended: an output (JSON), a failure, or a continue-as-new input (JSON). */
    record Outcome(String output, Exception failure, String customStatus, String continuedAsNewWith) {
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    private static <T> T read(String json, Class<T> type) {
        if (json == null) {
            return null;
        }
        try {
            return JsonCodec.mapper().readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot read " + json + " as " + type.getSimpleName(), e);
        }
    }

    /** Unwinds the orchestrator on continue-as-new, as the engine does. */
    private static final class ContinuedAsNew extends Error {
        private static final long serialVersionUID = 1L;
    }

    private record Done<T>(T value, RuntimeException failure) implements DurableTask<T> {
        @Override
        public T await() {
            if (failure != null) {
                throw failure;
            }
            return value;
        }

        @Override
        public boolean isDone() {
            return true;
        }

        @Override
        public boolean isFailed() {
            return failure != null;
        }
    }

    private static final class NeverDone<T> implements DurableTask<T> {
        @Override
        public T await() {
            throw new AssertionError("awaited a task that never completes in this harness");
        }

        @Override
        public boolean isDone() {
            return false;
        }

        @Override
        public boolean isFailed() {
            return false;
        }
    }

    private final class Context implements OrchestrationContext {
        private final String instanceId;
        private final String name;
        private final String rawInput;
        private int nextTaskId;
        String customStatus;
        String continuedWith;

        Context(String instanceId, String name, String rawInput) {
            this.instanceId = instanceId;
            this.name = name;
            this.rawInput = rawInput;
        }

        @Override
        public String instanceId() {
            return instanceId;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String rawInput() {
            return rawInput;
        }

        @Override
        public <T> T getInput(Class<T> type) {
            return read(rawInput, type);
        }

        @Override
        public Instant currentTime() {
            return Instant.EPOCH;
        }

        @Override
        public boolean isReplaying() {
            return false;
        }

        @Override
        public UUID newUuid() {
            return UUID.nameUUIDFromBytes((instanceId + ":" + nextTaskId++).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public <T> DurableTask<T> callActivity(String activityName, Object input, TaskOptions options,
                Class<T> resultType) {
            int taskId = nextTaskId++;
            Activity activity = activities.get(key(activityName));
            if (activity == null) {
                throw new IllegalArgumentException("no activity " + activityName);
            }
            String rawActivityInput = input == null ? null : JsonCodec.write(input);
            ActivityContext activityContext = new ActivityContext() {
                @Override
                public String name() {
                    return activityName;
                }

                @Override
                public String instanceId() {
                    return instanceId;
                }

                @Override
                public int taskId() {
                    return taskId;
                }

                @Override
                public String rawInput() {
                    return rawActivityInput;
                }

                @Override
                public <I> I getInput(Class<I> type) {
                    return read(rawActivityInput, type);
                }
            };
            try {
                Object result = activity.run(activityContext);
                return new Done<>(read(JsonCodec.write(result), resultType), null);
            } catch (Exception e) {
                return new Done<>(null, new TaskFailedException(activityName, taskId, FailureDetails.from(e)));
            }
        }

        @Override
        public <T> DurableTask<T> callSubOrchestrator(String orchestratorName, Object input, String childId,
                TaskOptions options, Class<T> resultType) {
            int taskId = nextTaskId++;
            Outcome child = run(orchestratorName, childId, input == null ? null : JsonCodec.write(input));
            if (child.failure() != null) {
                return new Done<>(null,
                        new TaskFailedException(orchestratorName, taskId, FailureDetails.from(child.failure())));
            }
            return new Done<>(read(child.output(), resultType), null);
        }

        @Override
        public DurableTask<Void> createTimer(Duration delay) {
            nextTaskId++;
            return new Done<>(null, null);
        }

        @Override
        public DurableTask<Void> createTimer(Instant fireAt) {
            nextTaskId++;
            return new Done<>(null, null);
        }

        @Override
        public <T> DurableTask<T> waitForExternalEvent(String eventName, Class<T> payloadType) {
            String payload = raisedEvents.get(key(eventName));
            return payload == null ? new NeverDone<>() : new Done<>(read(payload, payloadType), null);
        }

        @Override
        public <T> DurableTask<T> waitForExternalEvent(String eventName, Duration timeout, Class<T> payloadType) {
            throw new UnsupportedOperationException("not used by the samples");
        }

        @Override
        public <V> DurableTask<List<V>> allOf(List<DurableTask<V>> tasks) {
            List<V> results = new ArrayList<>();
            for (DurableTask<V> task : tasks) {
                results.add(task.await());
            }
            return new Done<>(results, null);
        }

        @Override
        public DurableTask<DurableTask<?>> anyOf(List<? extends DurableTask<?>> tasks) {
            for (DurableTask<?> task : tasks) {
                if (task.isDone()) {
                    return new Done<>(task, null);
                }
            }
            return new NeverDone<>();
        }

        @Override
        public void sendEvent(String targetInstanceId, String eventName, Object payload) {
            throw new UnsupportedOperationException("not used by the samples");
        }

        @Override
        public void setCustomStatus(Object status) {
            customStatus = status == null ? null : JsonCodec.write(status);
        }

        @Override
        public void continueAsNew(Object input, boolean keepUnprocessedEvents) {
            continuedWith = input == null ? null : JsonCodec.write(input);
            throw new ContinuedAsNew();
        }

        @Override
        public System.Logger logger() {
            return System.getLogger(name);
        }
    }
}
