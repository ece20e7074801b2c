package io.taskhub.azure.internal;

import com.azure.core.exception.HttpResponseException;
import com.azure.data.tables.models.TableServiceError;
import com.azure.data.tables.models.TableServiceException;
import com.azure.data.tables.models.TableTransactionFailedException;
import com.azure.storage.queue.models.QueueStorageException;
import io.taskhub.ports.errors.StorageException;

/** Classifies the SDKs' errors into the few outcomes the store reacts to, and wraps the rest. */
final class StorageErrors {
    private StorageErrors() {
    }

    /**
     * The HTTP status of a failed call, or 0 when there is none. A failed table transaction carries no
     * response, only the failed action's error code, which is translated back to its status.
     */
    public static int status(RuntimeException error) {
        if (error instanceof TableTransactionFailedException failed) {
            TableServiceError value = failed.getValue();
            String code = value == null ? "" : String.valueOf(value.getErrorCode());
            return switch (code) {
                case "UpdateConditionNotSatisfied", "ConditionNotMet" -> 412;
                case "EntityAlreadyExists" -> 409;
                case "ResourceNotFound", "EntityNotFound", "TableNotFound" -> 404;
                default -> failed.getResponse() == null ? 0 : failed.getResponse().getStatusCode();
            };
        }
        if (error instanceof HttpResponseException http && http.getResponse() != null) {
            return http.getResponse().getStatusCode();
        }
        return 0;
    }

    public static boolean isNotFound(RuntimeException error) {
        return status(error) == 404;
    }

    /**
     * True when the error, or one it wraps, says that a table does not exist (its task hub was deleted). Entity
     * queries fail with an SDK-internal exception type, so the service's error code is looked for in the text.
     */
    public static boolean isTableMissing(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof HttpResponseException http && http.getResponse() != null
                    && http.getResponse().getStatusCode() == 404) {
                return http instanceof TableServiceException table && table.getValue() != null
                        ? "TableNotFound".equals(String.valueOf(table.getValue().getErrorCode()))
                        : String.valueOf(http.getMessage()).contains("TableNotFound");
            }
        }
        return false;
    }

    public static boolean isConflict(RuntimeException error) {
        return status(error) == 409;
    }

    public static boolean isPreconditionFailed(RuntimeException error) {
        return status(error) == 412;
    }

    /**
     * True when a message's pop receipt no longer holds: the message was received again by someone else
     * (400 PopReceiptMismatch) or is gone (404 MessageNotFound).
     */
    public static boolean isReceiptLost(RuntimeException error) {
        if (error instanceof QueueStorageException queue) {
            return queue.getStatusCode() == 404 || queue.getStatusCode() == 400
                    && "PopReceiptMismatch".equals(String.valueOf(queue.getErrorCode()));
        }
        return false;
    }

    public static StorageException wrap(String action, RuntimeException error) {
        if (error instanceof StorageException storage) {
            return storage;
        }
        return new StorageException("Azure Storage failed to " + action + ": " + firstLine(error.getMessage()),
                error);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
