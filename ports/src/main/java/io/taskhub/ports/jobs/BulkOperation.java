package io.taskhub.ports.jobs;

import io.taskhub.ports.errors.InvalidArgumentException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a bulk job does to each instance it matches; {@link #wireName()} is its name in requests and answers. */
public enum BulkOperation {
    TERMINATE("terminate"),
    SUSPEND("suspend"),
    RESUME("resume"),
    PURGE("purge"),
    REWIND("rewind"),
    RAISE_EVENT("raiseEvent");

    private final String wireName;

    BulkOperation(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The operation named {@code name} (case-insensitive). */
    public static BulkOperation parse(String name) {
        if (name == null || name.isBlank()) {
            throw new InvalidArgumentException("A bulk job needs an operation: one of " + names() + ".");
        }
        for (BulkOperation operation : values()) {
            if (operation.wireName.equalsIgnoreCase(name.strip())) {
                return operation;
            }
        }
        throw new InvalidArgumentException("Unknown bulk operation '" + name + "'; use one of " + names() + ".");
    }

    private static String names() {
        return Arrays.stream(values()).map(BulkOperation::wireName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return wireName.toLowerCase(Locale.ROOT);
    }
}
