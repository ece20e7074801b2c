package io.taskhub.grpc;

import com.google.protobuf.StringValue;
import com.google.protobuf.Timestamp;
import io.taskhub.grpc.protocol.OrchestrationState;
import io.taskhub.grpc.protocol.OrchestrationStatus;
import io.taskhub.grpc.protocol.TaskFailureDetails;
import io.taskhub.ports.errors.InvalidArgumentException;
import io.taskhub.ports.model.FailureDetails;
import io.taskhub.ports.model.InstanceMetadata;
import io.taskhub.ports.model.RuntimeStatus;
import java.time.Instant;

/**
 * Taskhub's model in the protocol's terms and back, for the management calls: statuses, times, failures, optional
 * texts, an instance's state. Payloads are JSON texts on both sides, so they pass through unchanged.
 */
final class Protocol {
    private Protocol() {
    }

    // ---- optional texts and times --------------------------------------------------------------------------------

    /** The protocol's optional text: unset for null. */
    static StringValue text(String value) {
        return value == null ? null : StringValue.of(value);
    }

    /** An optional text as Taskhub keeps it: null when the field is unset. */
    static String text(boolean present, StringValue value) {
        return present ? value.getValue() : null;
    }

    /**
     * An optional JSON payload (an input, a result, event data): null when unset or empty, since the SDKs send an
     * empty text for "none" and an empty text is no JSON value.
     */
    static String json(boolean present, StringValue value) {
        return present && !value.getValue().isEmpty() ? value.getValue() : null;
    }

    static Timestamp timestamp(Instant time) {
        return Timestamp.newBuilder().setSeconds(time.getEpochSecond()).setNanos(time.getNano()).build();
    }

    /**
     * A time, or null when unset. The epoch itself also counts as unset: the JavaScript SDK sends it for "no
     * scheduled start".
     */
    static Instant instant(boolean present, Timestamp time) {
        if (!present || (time.getSeconds() == 0 && time.getNanos() == 0)) {
            return null;
        }
        return Instant.ofEpochSecond(time.getSeconds(), time.getNanos());
    }

    // ---- statuses ------------------------------------------------------------------------------------------------

    static OrchestrationStatus status(RuntimeStatus status) {
        return switch (status) {
            case Pending -> OrchestrationStatus.ORCHESTRATION_STATUS_PENDING;
            case Running -> OrchestrationStatus.ORCHESTRATION_STATUS_RUNNING;
            case Suspended -> OrchestrationStatus.ORCHESTRATION_STATUS_SUSPENDED;
            case Completed -> OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED;
            case Failed -> OrchestrationStatus.ORCHESTRATION_STATUS_FAILED;
            case Terminated -> OrchestrationStatus.ORCHESTRATION_STATUS_TERMINATED;
            case ContinuedAsNew -> OrchestrationStatus.ORCHESTRATION_STATUS_CONTINUED_AS_NEW;
            case Canceled -> OrchestrationStatus.ORCHESTRATION_STATUS_CANCELED;
        };
    }

    static RuntimeStatus status(OrchestrationStatus status) {
        return switch (status) {
            case ORCHESTRATION_STATUS_PENDING -> RuntimeStatus.Pending;
            case ORCHESTRATION_STATUS_RUNNING -> RuntimeStatus.Running;
            case ORCHESTRATION_STATUS_SUSPENDED -> RuntimeStatus.Suspended;
            case ORCHESTRATION_STATUS_COMPLETED -> RuntimeStatus.Completed;
            case ORCHESTRATION_STATUS_FAILED -> RuntimeStatus.Failed;
            case ORCHESTRATION_STATUS_TERMINATED -> RuntimeStatus.Terminated;
            case ORCHESTRATION_STATUS_CONTINUED_AS_NEW -> RuntimeStatus.ContinuedAsNew;
            case ORCHESTRATION_STATUS_CANCELED -> RuntimeStatus.Canceled;
            case UNRECOGNIZED -> throw new InvalidArgumentException("Unknown orchestration status number "
                    + status.getNumber() + ".");
        };
    }

    // ---- failures ------------------------------------------------------------------------------------------------

    static TaskFailureDetails failure(FailureDetails failure) {
        TaskFailureDetails.Builder details = TaskFailureDetails.newBuilder().setErrorType(failure.errorType())
                .setErrorMessage(failure.errorMessage());
        if (failure.stackTrace() != null) {
            details.setStackTrace(StringValue.of(failure.stackTrace()));
        }
        if (failure.innerFailure() != null) {
            details.setInnerFailure(failure(failure.innerFailure()));
        }
        return details.build();
    }

    static FailureDetails failure(TaskFailureDetails details) {
        String type = details.getErrorType().isEmpty() ? "Error" : details.getErrorType();
        return new FailureDetails(type, details.getErrorMessage(), text(details.hasStackTrace(),
                details.getStackTrace()), details.hasInnerFailure() ? failure(details.getInnerFailure()) : null);
    }

    // ---- an instance ---------------------------------------------------------------------------------------------

    /** The instance's state; its input, output and custom status only when {@code withPayloads}. */
    static OrchestrationState state(InstanceMetadata m, boolean withPayloads) {
        OrchestrationState.Builder state = OrchestrationState.newBuilder().setInstanceId(m.instanceId())
                .setName(m.name()).setOrchestrationStatus(status(m.runtimeStatus()))
                .setCreatedTimestamp(timestamp(m.createdAt())).setLastUpdatedTimestamp(timestamp(m.lastUpdatedAt()))
                .setExecutionId(StringValue.of(m.executionId())).putAllTags(m.tags());
        if (m.version() != null) {
            state.setVersion(StringValue.of(m.version()));
        }
        if (m.scheduledStartAt() != null) {
            state.setScheduledStartTimestamp(timestamp(m.scheduledStartAt()));
        }
        if (m.completedAt() != null) {
            state.setCompletedTimestamp(timestamp(m.completedAt()));
        }
        if (m.parentInstanceId() != null) {
            state.setParentInstanceId(StringValue.of(m.parentInstanceId()));
        }
        if (m.failure() != null) {
            state.setFailureDetails(failure(m.failure()));
        }
        if (withPayloads) {
            if (m.input() != null) {
                state.setInput(StringValue.of(m.input()));
            }
            if (m.output() != null) {
                state.setOutput(StringValue.of(m.output()));
            }
            if (m.customStatus() != null) {
                state.setCustomStatus(StringValue.of(m.customStatus()));
            }
        }
        return state.build();
    }
}
