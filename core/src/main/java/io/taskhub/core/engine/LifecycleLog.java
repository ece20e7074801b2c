package io.taskhub.core.engine;

import io.taskhub.ports.model.FailureDetails;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;

/**
 * One log line when an execution ends, written once its step is committed, under the logger
 * {@code io.taskhub.lifecycle}: failed at WARNING with the error's type and message, terminated at INFO with the
 * reason, completed and continued-as-new at DEBUG (one per instance would crowd a busy log). Each names the
 * instance and its orchestrator, so that an ended instance always leaves a trace where operators look.
 */
public final class LifecycleLog {
    private static final System.Logger LOG = System.getLogger("io.taskhub.lifecycle");
    private static volatile boolean payloads;

    private LifecycleLog() {
    }

    /**
     * Whether lines may carry what users sent or their code returned (a termination's reason): off unless the
     * operator allows it ({@code log.payloads=true}), since such values may hold personal data. One switch for the
     * process.
     */
    public static void includePayloads(boolean include) {
        payloads = include;
    }

    /**
     * One line for a step that moved an execution without ending it: started (DEBUG, one per instance would crowd a
     * busy log), suspended, resumed and rewound (INFO: someone acted on the instance). Ends are {@link #ended}.
     */
    static void moved(InstanceMetadata before, InstanceMetadata after) {
        RuntimeStatus from = before.runtimeStatus();
        RuntimeStatus to = after.runtimeStatus();
        if (from == to && to == RuntimeStatus.Running && before.completedAt() == null
                && after.executionId().equals(before.executionId())) {
            return; // most steps: nothing to say, and no line to build
        }
        boolean newExecution = !after.executionId().equals(before.executionId());
        if (to == RuntimeStatus.Running && (from == RuntimeStatus.Pending || newExecution)
                && before.completedAt() == null) {
            debug(after, " started.");
        } else if (to == RuntimeStatus.Running && (from == RuntimeStatus.Failed || before.completedAt() != null)) {
            LOG.log(System.Logger.Level.INFO, who(after) + " was rewound and runs again.");
        } else if (to == RuntimeStatus.Suspended && from != RuntimeStatus.Suspended) {
            LOG.log(System.Logger.Level.INFO, who(after) + " was suspended.");
        } else if (from == RuntimeStatus.Suspended && to == RuntimeStatus.Running) {
            LOG.log(System.Logger.Level.INFO, who(after) + " was resumed.");
        }
    }

    /** The instance as a line names it. */
    private static String who(InstanceMetadata instance) {
        return "Instance " + instance.instanceId() + " (" + instance.name() + ", execution "
                + instance.executionId() + ")";
    }

    /** A DEBUG line, built only when it is logged: one per instance, in the common case nobody reads it. */
    private static void debug(InstanceMetadata instance, String what) {
        if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
            LOG.log(System.Logger.Level.DEBUG, who(instance) + what);
        }
    }

    static void ended(InstanceMetadata instance, RuntimeStatus status, String output, FailureDetails failure) {
        if (status == null) {
            return;
        }
        switch (status) {
            case Failed -> LOG.log(System.Logger.Level.WARNING, who(instance) + " failed: "
                    + (failure == null ? "no details" : failure.errorType() + ": " + failure.errorMessage()));
            case Terminated -> LOG.log(System.Logger.Level.INFO, who(instance) + " was terminated"
                    + (!payloads ? "." : ": " + (output == null ? "no reason given" : output)));
            case Completed -> debug(instance, " completed.");
            case ContinuedAsNew -> debug(instance, " continued as new.");
            default -> {
                // not an end
            }
        }
    }
}
