package io.taskhub.core.engine;

import io.taskhub.core.json.JsonDataConverter;
import io.taskhub.ports.orchestration.DurableTask;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A durable task's state. Completion happens while the orchestrator thread processes history events, so
 * listeners (composites, retries, timeouts) run deterministically in history order.
 */
class TaskImpl<T> implements DurableTask<T> {
    private final OrchestrationContextImpl context;
    private final Class<T> resultType;
    private boolean done;
    private T value;
    private RuntimeException error;
    private List<Consumer<TaskImpl<T>>> listeners;

    TaskImpl(OrchestrationContextImpl context, Class<T> resultType) {
        this.context = context;
        this.resultType = resultType;
    }

    @Override
    public T await() {
        context.awaitCompletion(this);
        if (error != null) {
            throw error;
        }
        return value;
    }

    @Override
    public boolean isDone() {
        return done;
    }

    @Override
    public boolean isFailed() {
        return done && error != null;
    }

    boolean belongsTo(OrchestrationContextImpl owner) {
        return context == owner;
    }

    T value() {
        return value;
    }

    RuntimeException error() {
        return error;
    }

    void completeFromJson(String json) {
        T result;
        try {
            result = JsonDataConverter.deserialize(json, resultType);
        } catch (RuntimeException e) {
            fail(e);
            return;
        }
        complete(result);
    }

    void complete(T result) {
        if (done) {
            return;
        }
        done = true;
        value = result;
        fireListeners();
    }

    void fail(RuntimeException failure) {
        if (done) {
            return;
        }
        done = true;
        error = failure;
        fireListeners();
    }

    /** Runs {@code listener} when this task is done (at once if it already is). */
    void onDone(Consumer<TaskImpl<T>> listener) {
        if (done) {
            listener.accept(this);
            return;
        }
        if (listeners == null) {
            listeners = new ArrayList<>(2);
        }
        listeners.add(listener);
    }

    private void fireListeners() {
        if (listeners == null) {
            return;
        }
        List<Consumer<TaskImpl<T>>> toRun = listeners;
        listeners = null;
        toRun.forEach(listener -> listener.accept(this));
    }
}
