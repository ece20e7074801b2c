package io.taskhub.core.engine;

import io.taskhub.ports.history.EventRaised;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * External events by name (case-insensitive): an event completes the oldest waiter for its name, or is
 * buffered until code waits for it.
 */
final class ExternalEvents {
    private final Map<String, Deque<TaskImpl<?>>> waiters = new HashMap<>();
    private final List<EventRaised> buffered = new ArrayList<>();

    void deliver(EventRaised event) {
        Deque<TaskImpl<?>> queue = waiters.get(key(event.name()));
        if (queue != null && !queue.isEmpty()) {
            queue.poll().completeFromJson(event.input());
        } else {
            buffered.add(event);
        }
    }

    void await(String name, TaskImpl<?> task) {
        for (int i = 0; i < buffered.size(); i++) {
            if (key(buffered.get(i).name()).equals(key(name))) {
                task.completeFromJson(buffered.remove(i).input());
                return;
            }
        }
        waiters.computeIfAbsent(key(name), k -> new ArrayDeque<>()).add(task);
    }

    void cancel(String name, TaskImpl<?> task) {
        Deque<TaskImpl<?>> queue = waiters.get(key(name));
        if (queue != null) {
            queue.remove(task);
        }
    }

    List<EventRaised> buffered() {
        return List.copyOf(buffered);
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
