package io.taskhub.postgres;

import io.taskhub.ports.errors.InvalidArgumentException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to reach PostgreSQL and how the backend behaves there.
 *
 * @param jdbcUrl         {@code jdbc:postgresql://host:port/database}
 * @param user            the database user (may be null when the URL or the server's auth needs none)
 * @param password        its password, or null
 * @param schema          the schema holding Taskhub's tables; created (with the tables) at start when missing
 * @param poolSize        connections in the pool; the listening connection comes on top
 * @param maxPollInterval the longest a waiting worker goes without looking for work itself, in case a
 *                        notification was lost; waits back off up to it while notifications are unavailable
 * @param synchronousCommit PostgreSQL's {@code synchronous_commit} for this backend's connections, or null to keep
 *                        the server's (durable unless its administrator changed it). {@code off} answers a commit
 *                        before it is on disk: faster, but a crash of the database server (not of Taskhub) can lose
 *                        the last moments of acknowledged work (see docs/postgres.md)
 */
public record PostgresConfig(String jdbcUrl, String user, String password, String schema, int poolSize,
        Duration maxPollInterval, String synchronousCommit) {

    public static final String DEFAULT_SCHEMA = "taskhub";
    public static final int DEFAULT_POOL_SIZE = 10;
    public static final Duration DEFAULT_MAX_POLL_INTERVAL = Duration.ofSeconds(1);

    /** PostgreSQL's values of {@code synchronous_commit}. */
    public static final List<String> SYNCHRONOUS_COMMIT_VALUES = List.of("on", "off", "local", "remote_write",
            "remote_apply");

    /** Schema names are used unquoted in SQL, so only plain lowercase identifiers are accepted. */
    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    public PostgresConfig {
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new InvalidArgumentException("PostgreSQL JDBC URL '" + jdbcUrl
                    + "' is invalid: use jdbc:postgresql://host:port/database.");
        }
        user = user == null || user.isEmpty() ? null : user;
        password = password == null || password.isEmpty() ? null : password; // configuration files say "" for none
        schema = schema == null || schema.isEmpty() ? DEFAULT_SCHEMA : schema;
        if (!SCHEMA.matcher(schema).matches()) {
            throw new InvalidArgumentException("PostgreSQL schema '" + schema + "' is invalid: use 1 to 63 lowercase"
                    + " letters, digits or underscores, not starting with a digit.");
        }
        if (poolSize < 1) {
            throw new InvalidArgumentException("PostgreSQL pool size must be at least 1, was " + poolSize + ".");
        }
        maxPollInterval = positive(maxPollInterval == null ? DEFAULT_MAX_POLL_INTERVAL : maxPollInterval,
                "maximum poll interval");
        synchronousCommit = synchronousCommit == null || synchronousCommit.isBlank() ? null : synchronousCommit;
        if (synchronousCommit != null) {
            String value = synchronousCommit.trim().toLowerCase(java.util.Locale.ROOT);
            if (!SYNCHRONOUS_COMMIT_VALUES.contains(value)) {
                throw new InvalidArgumentException("PostgreSQL synchronous commit '" + synchronousCommit
                        + "' is invalid: use one of " + String.join(", ", SYNCHRONOUS_COMMIT_VALUES)
                        + ", or leave it unset (null or empty) for the server's own setting.");
            }
            synchronousCommit = value;
        }
    }

    /** The server's own {@code synchronous_commit}. */
    public PostgresConfig(String jdbcUrl, String user, String password, String schema, int poolSize,
            Duration maxPollInterval) {
        this(jdbcUrl, user, password, schema, poolSize, maxPollInterval, null);
    }

    /** The defaults for everything but where the database is. */
    public static PostgresConfig of(String jdbcUrl, String user, String password) {
        return new PostgresConfig(jdbcUrl, user, password, DEFAULT_SCHEMA, DEFAULT_POOL_SIZE, null);
    }

    public PostgresConfig withSchema(String value) {
        return new PostgresConfig(jdbcUrl, user, password, value, poolSize, maxPollInterval, synchronousCommit);
    }

    public PostgresConfig withPoolSize(int value) {
        return new PostgresConfig(jdbcUrl, user, password, schema, value, maxPollInterval, synchronousCommit);
    }

    public PostgresConfig withMaxPollInterval(Duration value) {
        return new PostgresConfig(jdbcUrl, user, password, schema, poolSize, value, synchronousCommit);
    }

    /** @param value see {@link #synchronousCommit()}; null or empty keeps the server's */
    public PostgresConfig withSynchronousCommit(String value) {
        return new PostgresConfig(jdbcUrl, user, password, schema, poolSize, maxPollInterval, value);
    }

    private static Duration positive(Duration value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isNegative() || value.isZero()) {
            throw new InvalidArgumentException("PostgreSQL " + what + " must be positive, was " + value + ".");
        }
        return value;
    }

    /** The password stays out of logs. */
    @Override
    public String toString() {
        return "PostgresConfig[jdbcUrl=" + jdbcUrl + ", user=" + user + ", schema=" + schema + ", poolSize="
                + poolSize + ", maxPollInterval=" + maxPollInterval + ", synchronousCommit=" + synchronousCommit + "]";
    }
}
