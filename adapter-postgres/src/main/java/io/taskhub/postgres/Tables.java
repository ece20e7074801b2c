package io.taskhub.postgres;

/**
 * The schema-qualified names of Taskhub's tables. The schema name is validated by {@link PostgresConfig} as a
 * plain lowercase identifier, so it is safe to put into SQL text; every value goes in as a bind parameter.
 */
record Tables(String schema) {
    String instances() {
        return schema + ".instances";
    }

    String history() {
        return schema + ".history_steps"; // one row per step (V17)
    }

    String inbox() {
        return schema + ".inbox";
    }

    String tasks() {
        return schema + ".activity_tasks";
    }

    String workers() {
        return schema + ".workers";
    }

    String statusCounts() {
        return schema + ".status_counts";
    }
}
