package io.taskhub.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskhub.ports.store.NameFilter;
import io.taskhub.ports.store.OrchestrationStore;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opening a database skips Flyway when every shipped migration is recorded as applied; anything less still
 * goes through Flyway and is brought up to date.
 */
class SqliteSchemaTest {
    @TempDir
    Path directory;

    @Test
    void schemaVersions_listExactlyTheMigrationsShipped() throws Exception {
        URL location = SqliteDatabase.class.getClassLoader().getResource("db/migration/sqlite");
        assertThat(location).isNotNull();
        List<String> shipped;
        try (Stream<Path> files = Files.list(Path.of(location.toURI()))) {
            shipped = files.map(f -> f.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .map(n -> n.substring(1, n.indexOf("__"))).sorted().toList();
        }
        assertThat(SqliteDatabase.SCHEMA_VERSIONS).containsExactlyInAnyOrderElementsOf(shipped);
    }

    @Test
    void anOlderSchema_isBroughtUpToDate_whenOpened() throws Exception {
        Path file = directory.resolve("older.db");
        try (SqliteStorageBackend backend = new SqliteStorageBackend(SqliteConfig.at(file))) {
            backend.taskHub("Older").createTaskHubIfNotExists();
        }
        String last = SqliteDatabase.SCHEMA_VERSIONS.get(SqliteDatabase.SCHEMA_VERSIONS.size() - 1);
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement()) {
            statement.executeUpdate("ALTER TABLE activity_tasks DROP COLUMN trace_parent"); // the last migration's
            statement.executeUpdate("DELETE FROM flyway_schema_history WHERE version = '" + last + "'");
        }

        try (SqliteStorageBackend backend = new SqliteStorageBackend(SqliteConfig.at(file))) {
            OrchestrationStore store = backend.taskHub("Older");
            assertThat(store.liveWorkers()).isEmpty();
        }
        assertThat(appliedVersions(file)).containsExactlyInAnyOrderElementsOf(SqliteDatabase.SCHEMA_VERSIONS);
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement()) {
            statement.executeQuery("SELECT trace_parent FROM activity_tasks").close(); // the column is back
        }
        // An idle worker's questions (when does the next lease run out?) read the indexes, not every row.
        assertThat(plan(file, "SELECT MIN(locked_until) FROM instances WHERE task_hub = 'older' AND locked_until > 5"))
                .contains("ix_instances_leased");
        assertThat(plan(file, "SELECT MIN(locked_until) FROM activity_tasks WHERE task_hub = 'older'"
                + " AND locked_until > 5")).contains("ix_tasks_leased");
    }

    @Test
    void claims_readTheirIndexInOrder_withoutSortingEveryVisibleRow() throws Exception {
        Path file = directory.resolve("claims.db");
        try (SqliteStorageBackend backend = new SqliteStorageBackend(SqliteConfig.at(file))) {
            backend.taskHub("Claims").createTaskHubIfNotExists();
        }
        String task = plan(file, ActivityWork.claimSql(NameFilter.ANY));
        String message = plan(file, OrchestrationWork.claimSql(NameFilter.ANY));
        assertThat(task).contains("ix_tasks_visible").doesNotContain("TEMP B-TREE");
        assertThat(message).contains("ix_inbox_visible").doesNotContain("TEMP B-TREE");
    }

    private static String plan(Path file, String query) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement();
                ResultSet plan = statement.executeQuery("EXPLAIN QUERY PLAN " + query)) {
            StringBuilder steps = new StringBuilder();
            while (plan.next()) {
                steps.append(plan.getString("detail")).append('\n');
            }
            return steps.toString();
        }
    }

    private static List<String> appliedVersions(Path file) throws SQLException {
        List<String> versions = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT version FROM flyway_schema_history WHERE success = 1 ORDER BY installed_rank")) {
            while (rows.next()) {
                versions.add(rows.getString(1));
            }
        }
        return versions;
    }
}
