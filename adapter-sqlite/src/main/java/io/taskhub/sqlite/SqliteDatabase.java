package io.taskhub.sqlite;

import io.taskhub.ports.errors.StorageException;
import io.taskhub.ports.errors.TaskhubException;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;

/**
 * The database file: one writer thread and a few reader connections. SQLite allows one writer at a time, so
 * writes are queued to a single thread that commits them in groups (group commit): every write that arrives
 * while a commit is under way joins the next transaction, each inside its own savepoint so that one
 * failing write does not undo the others. Commits are durable (synchronous=FULL), and batching keeps that
 * affordable under load.
 */
final class SqliteDatabase implements AutoCloseable {
    private static final int MAX_BATCH = 64;
    /** The versions of the migrations in {@code db/migration/sqlite}; a test keeps the two in step. */
    static final List<String> SCHEMA_VERSIONS = List.of("1", "2", "3", "4", "5", "6", "7", "8", "9");

    private final String url;
    private final Connection writer;
    private final BlockingQueue<Connection> readers;
    private final BlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
    private final Thread writerThread;
    private final AtomicLong commits = new AtomicLong();
    private final Object commitSignal = new Object();
    private volatile boolean open = true;

    private record Pending<T>(SqlWork<T> work, CompletableFuture<T> result) {
    }

    /** Put in the queue by {@link #close()} to end the writer's wait; it carries no work. */
    private static final Pending<Void> CLOSING = new Pending<>(connection -> null, new CompletableFuture<>());

    SqliteDatabase(SqliteConfig config) {
        try {
            Path parent = config.file().toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new StorageException("Cannot create the directory of the SQLite database " + config.file(), e);
        }
        url = "jdbc:sqlite:" + config.file().toAbsolutePath();
        try {
            migrate(); // before the writer connection, whose open transaction would hold the write lock
            writer = connect(config, false);
            readers = new ArrayBlockingQueue<>(config.readers());
            for (int i = 0; i < config.readers(); i++) {
                readers.add(connect(config, true));
            }
        } catch (SQLException e) {
            throw new StorageException("Cannot open the SQLite database " + config.file() + ": " + e.getMessage(), e);
        }
        writerThread = new Thread(this::writeLoop, "taskhub-sqlite-writer");
        writerThread.setDaemon(true);
        writerThread.start();
    }

    private Connection connect(SqliteConfig config, boolean readOnly) throws SQLException {
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        sqlite.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        sqlite.setBusyTimeout((int) config.busyTimeout().toMillis());
        sqlite.setReadOnly(readOnly);
        // Auto-commit stays on: the writer opens each transaction itself (BEGIN IMMEDIATE) so that it holds
        // the file's write lock only while committing, and other processes (the CLI) can write in between.
        return sqlite.createConnection(url);
    }

    private void migrate() throws SQLException {
        if (schemaIsCurrent()) {
            return;
        }
        Flyway.configure(getClass().getClassLoader())
                .dataSource(url, null, null)
                .locations("classpath:db/migration/sqlite")
                .load()
                .migrate();
    }

    /**
     * True when every migration this build ships is recorded as applied. Then Flyway is not started at all: a
     * CLI command opens the database once and exits, and Flyway's start-up (loading its classes, scanning and
     * checksumming the migrations) would cost it more than its actual work.
     */
    private boolean schemaIsCurrent() throws SQLException {
        List<String> applied = new ArrayList<>();
        try (Connection connection = new SQLiteConfig().createConnection(url);
                Statement statement = connection.createStatement()) {
            try (ResultSet history = statement.executeQuery("SELECT 1 FROM sqlite_master WHERE type = 'table'"
                    + " AND name = 'flyway_schema_history'")) {
                if (!history.next()) {
                    return false; // a new database: Flyway creates everything
                }
            }
            try (ResultSet rows = statement.executeQuery(
                    "SELECT version FROM flyway_schema_history WHERE success = 1 AND version IS NOT NULL")) {
                while (rows.next()) {
                    applied.add(rows.getString(1));
                }
            }
        }
        return applied.containsAll(SCHEMA_VERSIONS);
    }

    /** Runs {@code work} in a write transaction (possibly shared with other writes) and returns its result. */
    <T> T write(SqlWork<T> work) {
        if (!open) {
            throw new StorageException("The SQLite database is closed.");
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        queue.add(new Pending<>(work, result));
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("Interrupted while waiting for a write to commit", e);
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        }
    }

    /** Runs {@code work} on a reader connection, which sees every committed write. */
    <T> T read(SqlWork<T> work) {
        Connection connection;
        try {
            connection = readers.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("Interrupted while waiting for a database connection", e);
        }
        try {
            return work.run(connection);
        } catch (SQLException e) {
            throw new StorageException("SQLite read failed: " + e.getMessage(), e);
        } finally {
            readers.add(connection);
        }
    }

    /** Number of committed write transactions that changed rows; waiters compare it to detect changes. */
    long commitCount() {
        return commits.get();
    }

    /** Waits until a commit after {@code seenCommits} happens, or {@code millis} pass. */
    void awaitCommitAfter(long seenCommits, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        synchronized (commitSignal) {
            while (commits.get() == seenCommits) {
                long remaining = deadline - System.currentTimeMillis();
                if (remaining <= 0) {
                    return;
                }
                commitSignal.wait(remaining);
            }
        }
    }

    private void writeLoop() {
        List<Pending<?>> batch = new ArrayList<>(MAX_BATCH);
        while (open || !queue.isEmpty()) {
            try {
                Pending<?> first = queue.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (first == null || first == CLOSING) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                batch.remove(CLOSING);
                commitBatch(batch);
            } catch (InterruptedException e) {
                if (!open) {
                    break;
                }
            } finally {
                batch.clear();
            }
        }
    }

    private void commitBatch(List<Pending<?>> batch) {
        List<Object> results = new ArrayList<>(batch.size());
        List<Throwable> errors = new ArrayList<>(batch.size());
        boolean changed;
        try (Statement control = writer.createStatement()) {
            control.execute("BEGIN IMMEDIATE");
            long changesBefore = totalChanges(control);
            for (Pending<?> pending : batch) {
                control.execute("SAVEPOINT unit");
                try {
                    results.add(pending.work().run(writer));
                    errors.add(null);
                    control.execute("RELEASE unit");
                } catch (Throwable e) {
                    control.execute("ROLLBACK TO unit");
                    control.execute("RELEASE unit");
                    results.add(null);
                    errors.add(e);
                }
            }
            changed = totalChanges(control) != changesBefore;
            control.execute("COMMIT");
        } catch (SQLException e) {
            rollbackQuietly();
            StorageException failure = new StorageException("SQLite commit failed: " + e.getMessage(), e);
            batch.forEach(p -> p.result().completeExceptionally(failure));
            return;
        }
        // Only a commit that changed rows is news to waiters. Counting empty ones (a claim that found no work
        // is a write transaction too) woke every idle worker at once, and they kept each other spinning.
        if (changed) {
            commits.incrementAndGet();
            synchronized (commitSignal) {
                commitSignal.notifyAll();
            }
        }
        for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i), results.get(i), errors.get(i));
        }
    }

    /** Rows inserted, updated or deleted through the writer connection since it was opened. */
    private static long totalChanges(Statement statement) throws SQLException {
        try (ResultSet rs = statement.executeQuery("SELECT total_changes()")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void complete(Pending<T> pending, Object result, Throwable error) {
        if (error != null) {
            pending.result().completeExceptionally(error);
        } else {
            pending.result().complete((T) result);
        }
    }

    private void rollbackQuietly() {
        try (Statement control = writer.createStatement()) {
            control.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // the connection is unusable; the next write reports the problem
        }
    }

    private static RuntimeException unwrap(Throwable cause) {
        if (cause instanceof TaskhubException taskhub) {
            return taskhub;
        }
        if (cause instanceof SQLException sql) {
            return new StorageException("SQLite write failed: " + sql.getMessage(), sql);
        }
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        return new StorageException("SQLite write failed: " + cause, cause);
    }

    @Override
    public void close() {
        open = false;
        // Wakes the writer from its wait at once: a short-lived command's close would otherwise wait out the poll.
        queue.add(CLOSING);
        try {
            writerThread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(writer);
        readers.forEach(SqliteDatabase::closeQuietly);
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing anyway
        }
    }
}
