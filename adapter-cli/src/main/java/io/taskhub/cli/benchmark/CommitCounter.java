package io.taskhub.cli.benchmark;

import io.taskhub.runtime.config.Settings;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** PostgreSQL's count of committed transactions in the benchmark's database; -1 on other backends. */
public final class CommitCounter {
    private final Settings settings;

    public CommitCounter(Settings settings) {
        this.settings = settings;
    }

    long count() {
        if (!"postgres".equals(settings.get(Settings.BACKEND))) {
            return -1;
        }
        try (Connection c = PostgresConnections.open(settings);
                Statement statement = c.createStatement();
                ResultSet rs = statement.executeQuery("SELECT pg_stat_force_next_flush(), xact_commit"
                        + " FROM pg_stat_database WHERE datname = current_database()")) {
            return rs.next() ? rs.getLong(2) : -1;
        } catch (SQLException e) {
            return -1; // the figure is left out rather than failing the benchmark
        }
    }
}
