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
final class LifecycleLog {
    private static final System.Logger LOG = System.getLogger("io.taskhub.lifecycle");

    private LifecycleLog() {
    }

    static void ended(InstanceMetadata instance, RuntimeStatus status, String output, FailureDetails failure) {
        if (status == null) {
            return;
        }
        String who = "Instance " + instance.instanceId() + " (" + instance.name() + ")";
        switch (status) {
            case Failed -> LOG.log(System.Logger.Level.WARNING, who + " failed: " + (failure == null ? "no details"
                    : failure.errorType() + ": " + failure.errorMessage()));
            case Terminated -> LOG.log(System.Logger.Level.INFO, who + " was terminated: "
                    + (output == null ? "no reason given" : output));
            case Completed -> LOG.log(System.Logger.Level.DEBUG, who + " completed.");
            case ContinuedAsNew -> LOG.log(System.Logger.Level.DEBUG, who + " continued as new.");
            default -> {
                // not an end
            }
        }
    }
}
