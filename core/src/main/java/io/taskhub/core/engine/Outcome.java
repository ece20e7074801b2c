package io.taskhub.core.engine;

import io.taskhub.ports.history.EventRaised;
import io.taskhub.ports.model.FailureDetails;
import java.util.List;

/** How orchestrator code ended. */
public sealed interface Outcome {
    /** The code returned; {@code result} is its JSON output. */
    record Completed(String result) implements Outcome {
    }

    /** The code threw, or the engine failed it (non-determinism, unknown orchestrator, caught unwind signal). */
    record Failed(FailureDetails failure) implements Outcome {
    }

    /** The code asked to continue as new; {@code carriedEvents} are external events kept for the next execution. */
    record ContinuedAsNew(String input, List<EventRaised> carriedEvents) implements Outcome {
        public ContinuedAsNew {
            carriedEvents = List.copyOf(carriedEvents);
        }
    }
}
