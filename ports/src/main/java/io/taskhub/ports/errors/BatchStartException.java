package io.taskhub.ports.errors;

import io.taskhub.ports.model.StartOutcome;
import java.util.List;
import java.util.stream.Collectors;

/** A batch start was refused as a whole; {@link #outcomes()} says, item by item, why (or that it waited). */
public class BatchStartException extends InvalidArgumentException {
    private final List<StartOutcome> outcomes;

    public BatchStartException(List<StartOutcome> outcomes) {
        super("The batch was not started: " + outcomes.stream().filter(o -> !o.started() && !o.error()
                .startsWith(NOT_STARTED)).map(o -> "item " + o.index() + ": " + o.error())
                .collect(Collectors.joining("; ")));
        this.outcomes = List.copyOf(outcomes);
    }

    /** The error of an item that was valid but not started because of others. */
    public static final String NOT_STARTED = "not started: other items of the batch were refused";

    public List<StartOutcome> outcomes() {
        return outcomes;
    }
}
