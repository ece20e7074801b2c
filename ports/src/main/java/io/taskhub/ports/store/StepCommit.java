package io.taskhub.ports.store;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a step's commit gave back to its worker: the activity tasks handed to it (see {@link TaskHandOff}), and the
 * same instance's next work item when the commit claimed it again
 * ({@link OrchestrationStore#completeOrchestrationWorkItemAndClaimAgain}).
 */
public record StepCommit(List<ActivityWorkItem> handedOff, Optional<OrchestrationWorkItem> next) {
    /** A commit that handed nothing over and claimed nothing (or no commit at all). */
    public static final StepCommit NONE = new StepCommit(List.of(), Optional.empty());

    public StepCommit {
        handedOff = List.copyOf(handedOff);
        Objects.requireNonNull(next, "next");
    }

    /** A commit that handed over {@code handedOff} and claimed nothing. */
    public static StepCommit of(List<ActivityWorkItem> handedOff) {
        return new StepCommit(handedOff, Optional.empty());
    }
}
