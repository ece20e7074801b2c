package io.taskhub.cli.benchmark;

import io.taskhub.runtime.config.Settings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** A plain connection to the configured PostgreSQL server, for the benchmark's own readings. */
final class PostgresConnections {
    private PostgresConnections() {
    }

    static Connection open(Settings settings) throws SQLException {
        return open(settings, settings.get(Settings.POSTGRES_URL));
    }

    static Connection open(Settings settings, String url) throws SQLException {
        String user = settings.get(Settings.POSTGRES_USER);
        String password = settings.get(Settings.POSTGRES_PASSWORD);
        return DriverManager.getConnection(url, user.isEmpty() ? null : user, password.isEmpty() ? null : password);
    }
}
