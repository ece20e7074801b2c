package io.taskhub.ports.history;

import java.util.Objects;

/** Shared validation for the event records' compact constructors. */
final class Events {
    private Events() {
    }

    static <T> T required(T value, String name) {
        return Objects.requireNonNull(value, name + " is required");
    }

    static int taskId(int id) {
        if (id < 0) {
            throw new IllegalArgumentException("task id must not be negative: " + id);
        }
        return id;
    }
}
