package io.taskhub.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.taskhub.ports.errors.IllegalInstanceStateException;
import io.taskhub.ports.errors.InstanceAlreadyExistsException;
import io.taskhub.ports.errors.InstanceNotFoundException;
import io.taskhub.ports.errors.InvalidArgumentException;
import io.taskhub.ports.errors.StorageException;
import io.taskhub.ports.errors.UnknownTaskHubException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one translation of Taskhub's errors into gRPC statuses, as the Durable Task SDKs read them: NOT_FOUND for a
 * missing instance, ALREADY_EXISTS for an id in use, FAILED_PRECONDITION for an operation the instance's status
 * refuses, INVALID_ARGUMENT for bad input, UNAVAILABLE when the storage does not answer; anything else is INTERNAL
 * (and logged, since it is Taskhub's fault), with a description that names the problem.
 */
final class GrpcErrors {
    private static final Logger LOG = LoggerFactory.getLogger(GrpcErrors.class);

    private GrpcErrors() {
    }

    static StatusRuntimeException of(Throwable error) {
        if (error instanceof StatusRuntimeException already) {
            return already;
        }
        Status status;
        if (error instanceof InstanceNotFoundException || error instanceof UnknownTaskHubException) {
            status = Status.NOT_FOUND;
        } else if (error instanceof InstanceAlreadyExistsException) {
            status = Status.ALREADY_EXISTS;
        } else if (error instanceof IllegalInstanceStateException) {
            status = Status.FAILED_PRECONDITION;
        } else if (error instanceof InvalidArgumentException || error instanceof IllegalArgumentException) {
            status = Status.INVALID_ARGUMENT;
        } else if (error instanceof StorageException) {
            status = Status.UNAVAILABLE;
        } else {
            LOG.error("A Durable Task protocol call failed", error);
            status = Status.INTERNAL;
        }
        return status.withDescription(String.valueOf(error.getMessage())).withCause(error).asRuntimeException();
    }
}
