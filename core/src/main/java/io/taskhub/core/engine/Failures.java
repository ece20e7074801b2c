package io.taskhub.core.engine;

import io.taskhub.ports.model.FailureDetails;
import io.taskhub.ports.orchestration.TaskFailedException;

/** Failure details for exceptions thrown by orchestrator code, keeping the failed task's own details. */
final class Failures {
    private Failures() {
    }

    static FailureDetails of(Throwable error) {
        FailureDetails self = FailureDetails.from(error);
        FailureDetails inner;
        if (error instanceof TaskFailedException failed) {
            inner = failed.failure();
        } else if (error.getCause() != null && error.getCause() != error) {
            inner = of(error.getCause());
        } else {
            inner = null;
        }
        return new FailureDetails(self.errorType(), self.errorMessage(), self.stackTrace(), inner);
    }
}
