package io.taskhub.http;

import java.time.Duration;

/**
 * The HTTP API's port to an operator's metrics: each request served is reported with its route template (not its
 * path, whose ids would make a metric per instance), and {@code GET /taskhub/v1/metrics} serves {@link #scrape()}.
 */
public interface HttpMetrics {
    /** Keeps no metrics: the metrics route answers 404. */
    HttpMetrics NONE = new HttpMetrics() {
    };

    /** A request was answered; {@code route} is the matched route template, or "unmatched". */
    default void requestServed(String method, String route, int status, Duration took) {
    }

    /** Every metric in the Prometheus text format, or null when none are kept. */
    default String scrape() {
        return null;
    }
}
