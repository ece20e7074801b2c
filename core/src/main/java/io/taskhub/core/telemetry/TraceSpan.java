package io.taskhub.core.telemetry;

/**
 * One span of an instance's trace, as the engine sees it: the context its children carry, a mark when the work
 * failed, and its end. Opened and closed on the same thread; never throws.
 */
public interface TraceSpan extends AutoCloseable {
    /** The W3C traceparent that work under this span carries (stored with it), or null outside any trace. */
    String traceParent();

    /** The work this span covers failed (an orchestration or an activity ended with this failure). */
    default void failed(String description) {
    }

    /**
     * The step this span covers was computed but not committed this way: it is done again, under a span of its own
     * (a result's step tried together with the result, which went the usual way instead).
     */
    default void notCommitted() {
    }

    /** Ends the span. */
    @Override
    default void close() {
    }

    /** A span that records nothing and hands {@code traceParent} on to the work under it unchanged. */
    static TraceSpan carrying(String traceParent) {
        return () -> traceParent;
    }
}
