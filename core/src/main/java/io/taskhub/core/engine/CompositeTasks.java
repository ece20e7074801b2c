package io.taskhub.core.engine;

import io.taskhub.ports.orchestration.CompositeTaskFailedException;
import io.taskhub.ports.orchestration.DurableTask;
import java.util.ArrayList;
import java.util.List;

/** allOf and anyOf over tasks of one orchestration. */
final class CompositeTasks {
    private CompositeTasks() {
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static <V> TaskImpl<List<V>> allOf(OrchestrationContextImpl context, List<DurableTask<V>> tasks) {
        TaskImpl<List<V>> all = new TaskImpl<>(context, (Class) List.class);
        List<TaskImpl<V>> children = new ArrayList<>(tasks.size());
        tasks.forEach(t -> children.add(own(context, t)));
        int[] remaining = {children.size()};
        Runnable settleIfDone = () -> {
            if (remaining[0] > 0) {
                return;
            }
            List<RuntimeException> failures = new ArrayList<>();
            List<V> results = new ArrayList<>(children.size());
            for (TaskImpl<V> child : children) {
                if (child.error() != null) {
                    failures.add(child.error());
                }
                results.add(child.value());
            }
            if (failures.isEmpty()) {
                all.complete(results);
            } else {
                all.fail(new CompositeTaskFailedException(failures));
            }
        };
        if (children.isEmpty()) {
            settleIfDone.run();
        }
        for (TaskImpl<V> child : children) {
            child.onDone(done -> {
                remaining[0]--;
                settleIfDone.run();
            });
        }
        return all;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static TaskImpl<DurableTask<?>> anyOf(OrchestrationContextImpl context, List<? extends DurableTask<?>> tasks) {
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("anyOf needs at least one task");
        }
        TaskImpl<DurableTask<?>> any = new TaskImpl<>(context, (Class) DurableTask.class);
        for (DurableTask<?> task : tasks) {
            TaskImpl<?> child = own(context, task);
            child.onDone(done -> any.complete(done));
        }
        return any;
    }

    private static <V> TaskImpl<V> own(OrchestrationContextImpl context, DurableTask<V> task) {
        if (!(task instanceof TaskImpl<V> impl) || !impl.belongsTo(context)) {
            throw new IllegalArgumentException("Only tasks created by this orchestration's context can be combined.");
        }
        return impl;
    }
}
