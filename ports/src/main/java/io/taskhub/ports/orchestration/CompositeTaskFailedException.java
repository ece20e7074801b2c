package io.taskhub.ports.orchestration;

import java.util.List;

/** One or more tasks given to {@code allOf} failed; the first failure (in task order) is the cause. */
public class CompositeTaskFailedException extends RuntimeException {
    private final List<RuntimeException> failures;

    public CompositeTaskFailedException(List<RuntimeException> failures) {
        super(failures.size() + " of the awaited tasks failed; the first: " + failures.get(0).getMessage(),
                failures.get(0));
        this.failures = List.copyOf(failures);
    }

    public List<RuntimeException> failures() {
        return failures;
    }
}
