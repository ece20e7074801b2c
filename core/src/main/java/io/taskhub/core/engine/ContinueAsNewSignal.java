package io.taskhub.core.engine;

/** Ends orchestrator code after {@code continueAsNew}; the request itself is recorded in the context. */
final class ContinueAsNewSignal extends Error {
    ContinueAsNewSignal() {
        super("continueAsNew was called", null, false, false);
    }
}
