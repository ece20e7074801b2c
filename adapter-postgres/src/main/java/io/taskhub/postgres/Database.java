package io.taskhub.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.taskhub.ports.errors.StorageException;
import io.taskhub.ports.errors.TaskhubException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.flywaydb.core.Flyway;

/**
 * The connection pool and the one way of running work on it: each unit of work is one transaction, retried
 * when PostgreSQL aborted it for a deadlock or a serialization conflict (it had no effect, so running it again
 * is safe). Any other database error becomes a {@link StorageException}.
 */
final class Database implements AutoCloseable {
    private static final int ATTEMPTS = 5;

    /** A unit of work on one connection, inside one transaction. */
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final HikariDataSource pool;
    private final PostgresConfig config;

    private Database(HikariDataSource pool, PostgresConfig config) {
        this.pool = pool;
        this.config = config;
    }

    /** Opens the pool and brings the schema up to date. */
    static Database open(PostgresConfig config) {
        return open(config, null);
    }

    /** @param meterRegistry where HikariCP publishes the pool's meters (a Micrometer registry), or null */
    static Database open(PostgresConfig config, Object meterRegistry) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("taskhub-postgres-" + config.schema());
        hikari.setJdbcUrl(config.jdbcUrl());
        hikari.setUsername(config.user());
        hikari.setPassword(config.password());
        hikari.setMaximumPoolSize(config.poolSize());
        hikari.setMinimumIdle(Math.min(2, config.poolSize()));
        hikari.setAutoCommit(false);
        // While the server is away, a request waits this long for a connection before it is answered 503 (and
        // readiness reports false): HikariCP's default of 30 s outlasts most HTTP clients' patience and probes.
        hikari.setConnectionTimeout(5_000);
        hikari.setDataSourceProperties(driverProperties(config));
        if (meterRegistry != null) {
            hikari.setMetricRegistry(meterRegistry);
        }
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(hikari);
        } catch (RuntimeException e) {
            throw new StorageException("Cannot connect to PostgreSQL at " + config.jdbcUrl() + " as user '"
                    + config.user() + "': " + rootMessage(e), e);
        }
        try {
            migrate(config);
        } catch (RuntimeException e) {
            pool.close();
            throw new StorageException("Cannot create or update Taskhub's tables in schema '" + config.schema()
                    + "' at " + config.jdbcUrl() + ": " + rootMessage(e)
                    + " (the user needs CREATE on the database, or on the schema if it exists).", e);
        }
        return new Database(pool, config);
    }

    static Properties driverProperties(PostgresConfig config) {
        Properties props = new Properties();
        // Multi-row INSERT ... VALUES batches travel as one statement instead of one per row.
        props.setProperty("reWriteBatchedInserts", "true");
        props.setProperty("ApplicationName", "taskhub");
        props.setProperty("tcpKeepAlive", "true");
        // The planner settings, set at connection start-up so that no transaction can undo them. A
        // synchronous_commit of the configuration's (off: commits answered before they reach the disk) goes the
        // same way, for every transaction of the pool; the light ones set it off themselves anyway.
        StringBuilder options = new StringBuilder();
        PLANNER_SETTINGS.forEach(setting -> options.append(" -c ").append(setting));
        if (config.synchronousCommit() != null) {
            options.append(" -c synchronous_commit=").append(config.synchronousCommit());
        }
        props.setProperty("options", options.toString().strip());
        return props;
    }

    /**
     * How the pool's connections plan (QueryPlanTest holds every hot and list statement's plan to its indexes
     * under them):
     * <ul>
     * <li>Prepared statements keep one plan: PostgreSQL would otherwise plan the claim statements (and the calls'
     * inner statements) afresh on every run, as their generic plans look dearer on paper; planning was a third of
     * a claim's time.</li>
     * <li>No plan reads a whole table where an index would do. Every statement here names its rows by a key or an
     * indexed range, but a plan kept for the connection's life is made with the statistics of its moment, and the
     * queues are often analyzed while they hold a page or two: the plan then reads the whole table, cheap on paper,
     * and keeps doing so as a burst fills the table with rows inserted and deleted. Measured in bursts of hello
     * sequences: the deletion of a finished task took 0.16 ms instead of 0.01, a third of a result's commit, on
     * the connections that had planned it so. Tables without a usable index are still read whole.</li>
     * </ul>
     */
    static final List<String> PLANNER_SETTINGS = List.of("plan_cache_mode=force_generic_plan", "enable_seqscan=off");

    /**
     * Migrations run on connections of their own, planned with the server's defaults: a migration that rewrites or
     * summarizes a table (V7's first counts, say) reads it whole, which the pool's settings would turn into a walk
     * of an index.
     */
    private static void migrate(PostgresConfig config) {
        org.postgresql.ds.PGSimpleDataSource plain = new org.postgresql.ds.PGSimpleDataSource();
        plain.setURL(config.jdbcUrl());
        plain.setUser(config.user());
        plain.setPassword(config.password());
        plain.setApplicationName("taskhub");
        Flyway.configure()
                .dataSource(plain)
                .schemas(config.schema())
                .defaultSchema(config.schema())
                .createSchemas(true)
                .locations("classpath:db/migration/postgres")
                .failOnMissingLocations(true)
                .load()
                .migrate();
    }

    PostgresConfig config() {
        return config;
    }

    /** How a unit of work is committed. */
    private enum Commit { DURABLE, LIGHT, ALONE }

    <T> T inTransaction(Work<T> work) {
        return run(work, Commit.DURABLE);
    }

    /**
     * Runs work whose commit need not wait for the disk: activity claims, lease renewals and releases (a claim of
     * orchestration work says so itself, in its one statement: see {@code take_messages}). If the server
     * crashes before such a commit reaches the disk, a lease is lost, which the fencing of every completion
     * already handles (the work is done again), and the later durable commit of a checkpoint flushes whatever
     * came before it anyway. It saves a disk flush per claim.
     */
    <T> T inLightTransaction(Work<T> work) {
        return run(work, Commit.LIGHT);
    }

    /**
     * Runs work made of one statement (a call) in autocommit mode: the statement is its own durable transaction
     * (unless it says otherwise itself), which saves the round trips of BEGIN and COMMIT. A deadlock or
     * serialization failure is retried, as for any transaction.
     */
    <T> T alone(Work<T> work) {
        return run(work, Commit.ALONE);
    }

    /** Runs maintenance that cannot run inside a transaction (VACUUM), on a connection in autocommit mode. */
    void maintain(String statement) {
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(true);
            try (Statement st = connection.createStatement()) {
                st.execute(statement);
            } finally {
                connection.setAutoCommit(false);
            }
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    private <T> T run(Work<T> work, Commit commit) {
        SQLException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try (Connection connection = pool.getConnection()) {
                if (commit == Commit.ALONE) {
                    connection.setAutoCommit(true);
                    try {
                        return work.run(connection);
                    } finally {
                        connection.setAutoCommit(false);
                    }
                }
                try {
                    if (commit == Commit.LIGHT) {
                        try (Statement st = connection.createStatement()) {
                            st.execute("SET LOCAL synchronous_commit TO OFF");
                        }
                    }
                    T result = work.run(connection);
                    connection.commit();
                    return result;
                } catch (SQLException | RuntimeException | Error e) {
                    rollbackQuietly(connection, e);
                    throw e;
                }
            } catch (SQLException e) {
                if (!isRetryable(e)) {
                    throw failed(e);
                }
                last = e;
            }
        }
        throw new StorageException("PostgreSQL kept aborting the transaction after " + ATTEMPTS + " attempts: "
                + last.getMessage(), last);
    }

    private static StorageException failed(SQLException e) {
        return new StorageException("PostgreSQL failed: " + e.getMessage() + " (SQLSTATE " + e.getSQLState() + ")", e);
    }

    /** Deadlocks (40P01) and serialization failures (40001) roll the whole transaction back: safe to rerun. */
    private static boolean isRetryable(SQLException e) {
        String state = e.getSQLState();
        return "40P01".equals(state) || "40001".equals(state);
    }

    private static void rollbackQuietly(Connection connection, Throwable cause) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailure) {
            cause.addSuppressed(rollbackFailure);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root && !(root instanceof TaskhubException)) {
            root = root.getCause();
        }
        return root.getMessage();
    }

    @Override
    public void close() {
        pool.close();
    }
}
