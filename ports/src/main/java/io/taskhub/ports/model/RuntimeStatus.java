package io.taskhub.ports.model;

import java.util.Locale;
import java.util.Optional;

/**
 * The runtime status of an orchestration instance, with the Durable Functions wire names.
 * {@link #Canceled} exists only for wire compatibility; Taskhub never produces it.
 */
public enum RuntimeStatus {
    Pending,
    Running,
    Suspended,
    Completed,
    Failed,
    Terminated,
    ContinuedAsNew,
    Canceled;

    /** Terminal instances never change status again (short of a rewind, restart or replacement). */
    public boolean isTerminal() {
        return this == Completed || this == Failed || this == Terminated || this == Canceled;
    }

    /** Parses a wire name case-insensitively; empty when the name is unknown. */
    public static Optional<RuntimeStatus> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (RuntimeStatus status : values()) {
            if (status.name().toLowerCase(Locale.ROOT).equals(wanted)) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }
}
