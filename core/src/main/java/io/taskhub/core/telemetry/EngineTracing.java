package io.taskhub.core.telemetry;

/**
 * The spans of an instance's trace, as the engine opens them: the port through which its work reaches a tracing
 * library (the runtime binds OpenTelemetry to it). One trace per instance: the span of its creation is the parent of
 * each of its steps, each step the parent of the activities and sub-orchestrations it schedules. The context travels
 * as a W3C traceparent text stored with the instance (in its {@code ExecutionStarted} event) and with each activity
 * task, so that stores need know no tracing library and any worker process continues the trace.
 *
 * <p>The default records nothing and passes the context it is given on unchanged, so a trace begun by a caller
 * continues through workers that do not trace themselves.
 */
public interface EngineTracing {
    /** Records nothing; carries given contexts on. */
    EngineTracing NONE = new EngineTracing() {
    };

    /** The same tracing, for the work of task hub {@code name} (its spans say so). */
    default EngineTracing forTaskHub(String name) {
        return this;
    }

    /**
     * The span of the creation of instance {@code instanceId} of orchestrator {@code name}.
     *
     * @param parentTraceParent the caller's context (a W3C traceparent, validated), or null for the current one
     */
    default TraceSpan creation(String name, String instanceId, String parentTraceParent) {
        return TraceSpan.carrying(parentTraceParent);
    }

    /** The span of one step of an execution, under the context stored with the instance (null: none). */
    default TraceSpan step(String name, String instanceId, String executionId, String instanceTraceParent) {
        return TraceSpan.carrying(instanceTraceParent);
    }

    /**
     * The span of one run of activity {@code name}, under the context of the step that scheduled it (null: none);
     * it is the current span of the thread that runs the activity, so that spans the activity's code opens nest
     * in it.
     */
    default TraceSpan activity(String name, String instanceId, int taskId, String taskTraceParent) {
        return TraceSpan.carrying(taskTraceParent);
    }
}
