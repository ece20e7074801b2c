package io.taskhub.cli.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.taskhub.postgres.PostgresTestServer;
import io.taskhub.runtime.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseServerCpuTest {
    @TempDir
    Path proc;

    @Test
    void theServer_isThePostmasterOfTheBackend_withEveryProcessItStarted_andTheOnesThatEnded() throws Exception {
        // pid 100: the postmaster (2 + 1 of its own, 30 + 7 of children that ended); 101: the backend asked about;
        // 102: its checkpointer; 200: a postgres process of another server; 300: not postgres at all.
        stat(100, "postgres", 1, 2, 1, 30, 7);
        stat(101, "postgres", 100, 40, 5, 0, 0);
        stat(102, "postgres", 100, 3, 4, 0, 0);
        stat(200, "postgres", 1, 500, 500, 0, 0);
        stat(300, "java", 100, 800, 0, 0, 0);
        Files.createDirectories(proc.resolve("self"));

        DatabaseServerCpu cpu = new DatabaseServerCpu(Settings.of(Map.of("backend", "postgres")), proc);

        // Every child of the postmaster counts, whatever its name.
        assertThat(cpu.serverMillis(101)).isEqualTo((2 + 1 + 30 + 7 + 40 + 5 + 3 + 4 + 800) * 10.0);
        assertThat(cpu.serverMillis(300)).as("not a backend").isNaN();
        assertThat(cpu.serverMillis(999)).as("no such process").isNaN();
    }

    @Test
    void aProcessName_mayHoldParenthesesAndSpaces() {
        DatabaseServerCpu.ProcessTimes times = DatabaseServerCpu.ProcessTimes.parse(7,
                "7 (postgres: a (b) c) S 6 7 7 0 -1 4194560 100 0 0 0 11 12 13 14 20 0 1 0 5 1000 50");

        assertThat(times).isEqualTo(new DatabaseServerCpu.ProcessTimes(7, "postgres: a (b) c", 6, 11 + 12 + 13 + 14));
    }

    @Test
    void otherBackends_haveNoFigure() {
        assertThat(new DatabaseServerCpu(Settings.of(Map.of("backend", "sqlite"))).millis()).isNaN();
    }

    /** On the test server, when it runs on this machine: its CPU grows by what a statement made it work. */
    @Test
    void aLocalServersCpu_growsWithTheWorkItDoes() throws Exception {
        PostgresTestServer.Server server = PostgresTestServer.get();
        assumeTrue(server.jdbcUrl().contains("//127.0.0.1") || server.jdbcUrl().contains("//localhost"),
                "the test server runs elsewhere: its processes cannot be read here");
        Map<String, String> given = new HashMap<>(Map.of("backend", "postgres", "postgres.url", server.jdbcUrl()));
        if (server.user() != null) {
            given.put("postgres.user", server.user());
        }
        if (server.password() != null) {
            given.put("postgres.password", server.password());
        }
        DatabaseServerCpu cpu = new DatabaseServerCpu(Settings.of(given));
        try (Connection c = server.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            assumeTrue(Files.isReadable(Path.of("/proc", rs.getString(1), "stat")),
                    "the server's processes are not visible here (another container, or /proc hides them)");
        }

        double before = cpu.millis();
        try (Connection c = server.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(DISTINCT md5(g::text))"
                        + " FROM generate_series(1, 400000) AS g")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(400_000);
        }
        double after = cpu.millis();

        assertThat(before).as("read from /proc").isNotNaN();
        assertThat(after - before).as("CPU of hashing and sorting 400,000 values").isGreaterThanOrEqualTo(100);
    }

    private void stat(long pid, String name, long parent, long utime, long stime, long cutime, long cstime)
            throws Exception {
        Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.writeString(dir.resolve("stat"), pid + " (" + name + ") S " + parent + " " + pid + " " + pid
                + " 0 -1 4194560 100 0 0 0 " + utime + " " + stime + " " + cutime + " " + cstime
                + " 20 0 1 0 5 1000 50\n");
    }
}
