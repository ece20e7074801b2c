package io.taskhub.ports.model;

import java.util.Objects;

/**
 * Why something failed: an error type (usually an exception class name), a message, an optional stack trace
 * and an optional inner failure.
 */
public record FailureDetails(String errorType, String errorMessage, String stackTrace, FailureDetails innerFailure) {
    public FailureDetails {
        Objects.requireNonNull(errorType, "errorType");
        errorMessage = errorMessage == null ? "" : errorMessage;
    }

    public FailureDetails(String errorType, String errorMessage) {
        this(errorType, errorMessage, null, null);
    }

    /** Describes a throwable, its causes included. */
    public static FailureDetails from(Throwable error) {
        Throwable cause = error.getCause();
        return new FailureDetails(error.getClass().getName(), String.valueOf(error.getMessage()),
                stackTraceOf(error), cause == null || cause == error ? null : from(cause));
    }

    private static String stackTraceOf(Throwable error) {
        StringBuilder out = new StringBuilder();
        for (StackTraceElement element : error.getStackTrace()) {
            out.append("   at ").append(element).append('\n');
        }
        return out.toString();
    }

    /** "Type: message", the form shown as a failed instance's output. */
    public String summary() {
        return errorType + ": " + errorMessage;
    }

    /** True when this failure or one of its inner failures has the given error type. */
    public boolean isCausedBy(String type) {
        for (FailureDetails f = this; f != null; f = f.innerFailure()) {
            if (f.errorType().equals(type)) {
                return true;
            }
        }
        return false;
    }
}
