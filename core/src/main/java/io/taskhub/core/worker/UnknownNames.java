package io.taskhub.core.worker;

import io.taskhub.core.registry.WorkerDirectory;
import io.taskhub.ports.store.NameFilter;
import io.taskhub.ports.store.WorkerRegistration;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The rule for work whose name a worker does not run. Without {@code unknownNameTimeout} (the default) a worker
 * claims only its own names, so such work waits for a worker that has it. With a timeout, a worker also claims
 * work for names that no other live worker runs, and fails it once it has waited that long since this worker first
 * met it (before that, it hands it back for a little while at a time): work nobody can run does not wait for ever,
 * and work another worker can run is never touched.
 */
final class UnknownNames {
    private static final Duration LONGEST_HAND_BACK = Duration.ofSeconds(10);
    private static final int MAX_REMEMBERED = 10_000;

    private final WorkerOptions options;
    private final WorkerDirectory directory;
    /** When this worker first met each piece of work that no live worker runs. */
    private final Map<String, Instant> firstMet = new ConcurrentHashMap<>();

    UnknownNames(WorkerOptions options, WorkerDirectory directory) {
        this.options = options;
        this.directory = directory;
    }

    /**
     * What this worker's claims take: its own names ({@code own}); and the names no other live worker runs, when
     * it has somewhere to run them: remote workers connected to it ({@code remoteConnected}), or, with a timeout,
     * its rule to fail such work once it waited that long. Names another live worker runs are always left to it.
     */
    NameFilter claimFilter(NameFilter own, Function<WorkerRegistration, Set<String>> theirs,
            boolean remoteConnected) {
        if (options.unknownNameTimeout() == null && !remoteConnected) {
            return own;
        }
        Set<String> runElsewhere = new HashSet<>();
        for (WorkerRegistration worker : directory.live()) {
            if (worker.workerId().equals(options.workerId())) {
                continue;
            }
            if (worker.runsAnyName() && !remoteConnected) {
                return own; // another worker takes whatever this one lacks (to its remote workers)
            }
            theirs.apply(worker).stream().filter(name -> !own.accepts(name))
                    .filter(name -> !name.equals(WorkerRegistration.ANY_NAME)).forEach(runElsewhere::add);
        }
        return NameFilter.except(runElsewhere);
    }

    /**
     * How much longer the work {@code key} (an instance, or a task) must wait before it is failed, counted from
     * when this worker first met it without a worker for its name; zero or negative: fail it now. A long-idle
     * instance whose worker just restarted is not failed at once: its wait starts when it is first met.
     */
    Duration remainingWait(String key, Instant now) {
        if (firstMet.size() > MAX_REMEMBERED) {
            Instant horizon = now.minus(options.unknownNameTimeout().multipliedBy(2));
            firstMet.values().removeIf(met -> met.isBefore(horizon));
        }
        Instant met = firstMet.computeIfAbsent(key, k -> now);
        return options.unknownNameTimeout().minus(Duration.between(met, now));
    }

    /** The work {@code key} was failed (or run): its wait is over. */
    void done(String key) {
        firstMet.remove(key);
    }

    /** How long to hand back work that must wait {@code remaining} more: not longer than a little while, so that a
     * worker that runs the name and starts meanwhile takes it soon. */
    static Duration handBackFor(Duration remaining) {
        return remaining.compareTo(LONGEST_HAND_BACK) > 0 ? LONGEST_HAND_BACK : remaining;
    }
}
