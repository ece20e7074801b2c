package io.taskhub.cli.output;

/** How results are printed: a table for people, JSON for scripts. */
public enum OutputFormat {
    table,
    json
}
