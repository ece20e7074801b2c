package io.taskhub.runtime.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.taskhub.core.telemetry.EngineTracing;
import io.taskhub.core.telemetry.TraceSpan;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The engine's spans as OpenTelemetry spans, named as the Durable Task SDKs name theirs: {@code
 * create_orchestration:NAME} (the creation, a producer span under the caller's context), {@code orchestration:NAME}
 * (one consumer span per step, under the creation's context stored with the instance) and {@code activity:NAME}
 * (one consumer span per run, under the scheduling step's context stored with the task, current while the activity
 * runs). Contexts cross processes as W3C traceparent texts, whatever propagators the host configured: the stored
 * form is Taskhub's, not the host's.
 */
public final class OpenTelemetryTracing implements EngineTracing {
    private static final String INSTRUMENTATION = "io.taskhub";
    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final String TRACE_PARENT = "traceparent";

    private final Tracer tracer;
    private final String taskHub;

    public OpenTelemetryTracing(OpenTelemetry openTelemetry, String taskHub) {
        this(openTelemetry.getTracer(INSTRUMENTATION), taskHub);
    }

    private OpenTelemetryTracing(Tracer tracer, String taskHub) {
        this.tracer = tracer;
        this.taskHub = taskHub;
    }

    @Override
    public EngineTracing forTaskHub(String name) {
        return name.equals(taskHub) ? this : new OpenTelemetryTracing(tracer, name);
    }

    @Override
    public TraceSpan creation(String name, String instanceId, String parentTraceParent) {
        return open(tracer.spanBuilder("create_orchestration:" + name).setParent(creationParent(parentTraceParent))
                .setSpanKind(SpanKind.PRODUCER), name, instanceId, false);
    }

    /**
     * The caller's context: the current span when it belongs to the given trace (under the OpenTelemetry Java
     * agent, the HTTP request's server span, itself a child of the request's traceparent header), else the given
     * context, else the current span if any (none: the instance starts a trace of its own).
     */
    private static Context creationParent(String traceParent) {
        Context current = Context.current();
        if (traceParent == null) {
            return current;
        }
        Context given = contextOf(traceParent);
        SpanContext active = Span.fromContext(current).getSpanContext();
        return active.isValid() && active.getTraceId().equals(Span.fromContext(given).getSpanContext().getTraceId())
                ? current : given;
    }

    @Override
    public TraceSpan step(String name, String instanceId, String executionId, String instanceTraceParent) {
        SpanBuilder builder = tracer.spanBuilder("orchestration:" + name).setParent(stored(instanceTraceParent))
                .setSpanKind(SpanKind.CONSUMER).setAttribute("taskhub.execution_id", executionId);
        return open(builder, name, instanceId, false);
    }

    @Override
    public TraceSpan activity(String name, String instanceId, int taskId, String taskTraceParent) {
        SpanBuilder builder = tracer.spanBuilder("activity:" + name).setParent(stored(taskTraceParent))
                .setSpanKind(SpanKind.CONSUMER).setAttribute("taskhub.task_id", taskId);
        return open(builder, name, instanceId, true);
    }

    private TraceSpan open(SpanBuilder builder, String name, String instanceId, boolean makeCurrent) {
        Span span = builder.setAttribute("taskhub.task_hub", taskHub).setAttribute("taskhub.name", name)
                .setAttribute("taskhub.instance_id", instanceId).startSpan();
        return new OpenSpan(span, makeCurrent ? span.makeCurrent() : null);
    }

    /** Work under a stored context continues its trace; work stored outside any trace starts one of its own. */
    private static Context stored(String traceParent) {
        return traceParent == null ? Context.root() : contextOf(traceParent);
    }

    private static Context contextOf(String traceParent) {
        return W3C.extract(Context.root(), traceParent, SINGLE_VALUE);
    }

    private static final TextMapGetter<String> SINGLE_VALUE = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return List.of(TRACE_PARENT);
        }

        @Override
        public String get(String carrier, String key) {
            return TRACE_PARENT.equals(key) ? carrier : null;
        }
    };

    private record OpenSpan(Span span, Scope scope) implements TraceSpan {
        @Override
        public String traceParent() {
            if (!span.getSpanContext().isValid()) {
                return null;
            }
            Map<String, String> carrier = new HashMap<>(2);
            W3C.inject(Context.root().with(span), carrier, Map::put);
            return carrier.get(TRACE_PARENT);
        }

        @Override
        public void failed(String description) {
            span.setStatus(StatusCode.ERROR, description == null ? "" : description);
        }

        @Override
        public void notCommitted() {
            span.setAttribute("taskhub.committed", false);
        }

        @Override
        public void close() {
            if (scope != null) {
                scope.close();
            }
            span.end();
        }
    }
}
