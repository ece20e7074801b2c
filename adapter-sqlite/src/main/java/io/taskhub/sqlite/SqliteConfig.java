package io.taskhub.sqlite;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the database file lives and how it is opened.
 *
 * @param file        the database file; its directory is created when missing
 * @param readers     connections kept for reads (WAL lets them run beside the single writer)
 * @param busyTimeout how long a connection waits for a lock held by another process
 * @param otherProcessPoll how often a wait for an instance's change looks again by itself, for changes other
 *                    processes write to the same file (this process's own writes wake it at once)
 */
public record SqliteConfig(Path file, int readers, Duration busyTimeout, Duration otherProcessPoll) {
    public static final Path DEFAULT_FILE = Path.of(".taskhub", "taskhub.db");

    public SqliteConfig {
        Objects.requireNonNull(file, "file");
        if (readers < 1) {
            throw new IllegalArgumentException("readers must be at least 1, was " + readers);
        }
        busyTimeout = busyTimeout == null ? Duration.ofSeconds(10) : busyTimeout;
        otherProcessPoll = otherProcessPoll == null ? Duration.ofMillis(250) : otherProcessPoll;
    }

    public static SqliteConfig at(Path file) {
        return new SqliteConfig(file, 4, null, null);
    }

    public SqliteConfig withOtherProcessPoll(Duration poll) {
        return new SqliteConfig(file, readers, busyTimeout, poll);
    }
}
