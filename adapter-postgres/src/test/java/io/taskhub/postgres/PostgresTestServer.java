package io.taskhub.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Finds a PostgreSQL server for tests, in this order:
 * <ol>
 *   <li>the URL in the system property {@code taskhub.test.postgres.url} or the environment variable
 *       {@code TASKHUB_TEST_POSTGRES_URL} (user and password from {@code taskhub.test.postgres.user} /
 *       {@code TASKHUB_TEST_POSTGRES_USER} and {@code ..._PASSWORD}; the user defaults to postgres);</li>
 *   <li>a server on 127.0.0.1:5432 that lets user postgres into database postgres without a password;</li>
 *   <li>a throwaway cluster of its own (initdb and pg_ctl from /usr/lib/postgresql/&lt;version&gt;/bin or the
 *       PATH) in a temporary directory on a free port, run as the postgres OS user when the tests run as root
 *       (PostgreSQL refuses to run as root), stopped and deleted when the JVM exits.</li>
 * </ol>
 */
public final class PostgresTestServer {
    /** Where a test server is and how to log in. */
    public record Server(String jdbcUrl, String user, String password) {
        /** A backend configuration for {@code schema} on this server, with a small pool. */
        public PostgresConfig config(String schema) {
            return new PostgresConfig(jdbcUrl, user, password, schema, 8, null);
        }

        public Connection connect() throws SQLException {
            Properties props = new Properties();
            if (user != null) {
                props.setProperty("user", user);
            }
            if (password != null) {
                props.setProperty("password", password);
            }
            return DriverManager.getConnection(jdbcUrl, props);
        }
    }

    private static final String LOCAL_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";
    private static Server server;

    private PostgresTestServer() {
    }

    /** The server every test of this JVM uses; found (or started) on the first call. */
    public static synchronized Server get() {
        if (server == null) {
            server = configured().or(PostgresTestServer::local).orElseGet(PostgresTestServer::startThrowaway);
        }
        return server;
    }

    private static Optional<Server> configured() {
        String url = setting("taskhub.test.postgres.url", "TASKHUB_TEST_POSTGRES_URL");
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        String user = setting("taskhub.test.postgres.user", "TASKHUB_TEST_POSTGRES_USER");
        String password = setting("taskhub.test.postgres.password", "TASKHUB_TEST_POSTGRES_PASSWORD");
        return Optional.of(new Server(url, user == null ? "postgres" : user, password));
    }

    private static Optional<Server> local() {
        Server candidate = new Server(LOCAL_URL + "?connectTimeout=3&loginTimeout=5", "postgres", null);
        try (Connection connection = candidate.connect()) {
            return connection.isValid(5) ? Optional.of(new Server(LOCAL_URL, "postgres", null)) : Optional.empty();
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    private static String setting(String property, String env) {
        String value = System.getProperty(property);
        return value != null ? value : System.getenv(env);
    }

    /** Starts a new cluster (whatever else is available); it is stopped and deleted when the JVM exits. */
    public static Server startThrowaway() {
        OwnCluster cluster = OwnCluster.start(false);
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::close));
        return cluster.server();
    }

    /**
     * A cluster of a test's own, on a free port, that the test may stop and start again (a database that goes away
     * and comes back). {@link #close()} stops it and deletes its files.
     */
    public static final class OwnCluster implements AutoCloseable {
        private final boolean root;
        private final Path bin;
        private final Path dir;
        private final Path data;
        private final int port;
        private final boolean durableCommits;

        private OwnCluster(boolean root, Path bin, Path dir, int port, boolean durableCommits) {
            this.root = root;
            this.bin = bin;
            this.dir = dir;
            this.data = dir.resolve("data");
            this.port = port;
            this.durableCommits = durableCommits;
        }

        /**
         * Creates and starts a cluster. With {@code durableCommits} a commit is acknowledged only once its WAL is
         * written (synchronous_commit on), so that stopping the server at any moment loses nothing acknowledged;
         * fsync stays off either way (the machine itself does not crash in a test).
         */
        public static OwnCluster start(boolean durableCommits) {
            try {
                Path bin = postgresBin();
                Path dir = Files.createTempDirectory("taskhub-pg-");
                boolean root = "root".equals(System.getProperty("user.name"));
                if (root) {
                    run(List.of("chown", "postgres:postgres", dir.toString()));
                }
                OwnCluster cluster = new OwnCluster(root, bin, dir, freePort(), durableCommits);
                run(asPostgres(root, bin.resolve("initdb").toString(), "-D", cluster.data.toString(), "-U",
                        "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"));
                cluster.startServer();
                return cluster;
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot start a throwaway PostgreSQL server", e);
            }
        }

        public Server server() {
            return new Server("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", null);
        }

        /** Starts the stopped server again, on the same port with the same data. */
        public void startServer() {
            try {
                run(asPostgres(root, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l",
                        dir.resolve("server.log").toString(), "-w", "-t", "60", "-o",
                        "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off"
                                + " -c synchronous_commit=" + (durableCommits ? "on" : "off")
                                + " -c full_page_writes=off -c max_connections=200",
                        "start"));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot start the PostgreSQL server in " + dir, e);
            }
        }

        /**
         * Stops the server the hard way (pg_ctl's immediate mode: every connection cut, no checkpoint, recovery on
         * the next start), as when a database server crashes.
         */
        public void crashServer() {
            try {
                run(asPostgres(root, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate",
                        "-w", "stop"));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot stop the PostgreSQL server in " + dir, e);
            }
        }

        @Override
        public void close() {
            try {
                crashServer();
            } catch (RuntimeException e) {
                System.err.println("Could not stop the throwaway PostgreSQL server in " + dir + ": " + e.getMessage());
            }
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                System.err.println("Could not delete " + dir + ": " + e.getMessage());
            }
        }
    }

    /** The newest installed server's binaries: Debian keeps them off the PATH. */
    static Path postgresBin() throws IOException {
        Path versions = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(versions)) {
            try (Stream<Path> dirs = Files.list(versions)) {
                Optional<Path> newest = dirs.map(d -> d.resolve("bin"))
                        .filter(b -> Files.isExecutable(b.resolve("initdb")))
                        .max(Comparator.comparingInt(PostgresTestServer::majorVersion));
                if (newest.isPresent()) {
                    return newest.get();
                }
            }
        }
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, "initdb"))) {
                return Path.of(entry);
            }
        }
        throw new IllegalStateException("No PostgreSQL server found: none on 127.0.0.1:5432, no "
                + "taskhub.test.postgres.url set, and no initdb in /usr/lib/postgresql/*/bin or on the PATH. "
                + "Install PostgreSQL (Debian: apt-get install postgresql) or point the tests at a server.");
    }

    private static int majorVersion(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static List<String> asPostgres(boolean root, String... command) {
        List<String> full = new ArrayList<>();
        if (root) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(List.of(command));
        return full;
    }

    private static void run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            boolean done = process.waitFor(120, TimeUnit.SECONDS);
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!done || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("'" + String.join(" ", command) + "' failed"
                        + (done ? " with exit code " + process.exitValue() : " to finish in time") + ":\n" + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("Interrupted while running " + command, e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
