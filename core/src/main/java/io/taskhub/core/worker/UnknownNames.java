package io.taskhub.core.worker;

import io.taskhub.core.registry.WorkerDirectory;
import io.taskhub.ports.store.NameFilter;
import io.taskhub.ports.store.WorkerRegistration;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;

/**
 * The rule for work whose name a worker does not run. Without {@code unknownNameTimeout} (the default) a worker
 * claims only its own names, so such work waits for a worker that has it. With a timeout, a worker also claims
 * work for names that no other live worker runs, and fails it once it has waited that long (before that, it
 * hands it back until the time is up): work nobody can run does not wait for ever, and work another worker can
 * run is never touched.
 */
final class UnknownNames {
    private final WorkerOptions options;
    private final WorkerDirectory directory;

    UnknownNames(WorkerOptions options, WorkerDirectory directory) {
        this.options = options;
        this.directory = directory;
    }

    /** What this worker's claims take: its own names, and, with a timeout, names no other live worker runs. */
    NameFilter claimFilter(Set<String> mine, Function<WorkerRegistration, Set<String>> theirs) {
        if (options.unknownNameTimeout() == null) {
            return NameFilter.only(mine);
        }
        NameFilter own = NameFilter.only(mine);
        Set<String> runElsewhere = new HashSet<>();
        for (WorkerRegistration worker : directory.live()) {
            if (!worker.workerId().equals(options.workerId())) {
                theirs.apply(worker).stream().filter(name -> !own.accepts(name)).forEach(runElsewhere::add);
            }
        }
        return NameFilter.except(runElsewhere);
    }

    /**
     * How much longer work that has waited since {@code since} (for a name nobody runs) must wait before it is
     * failed; zero or negative: fail it now.
     */
    Duration remainingWait(Instant since, Instant now) {
        return options.unknownNameTimeout().minus(Duration.between(since, now));
    }
}
