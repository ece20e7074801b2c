package io.taskhub.cli.benchmark;

import io.taskhub.runtime.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The peer's figures in the same run: the DBOS probe project (a 3-step DBOS Transact workflow, the peer of
 * E1_HelloSequence) built and run with Maven against the same PostgreSQL server, in a database of its own
 * ({@code dbos_probe}, created when missing). The project is copied to a temporary folder first, since its build
 * writes into it.
 */
public final class DbosProbe {
    static final String DATABASE = "dbos_probe";
    private static final Pattern RESULT = Pattern.compile("DBOS (\\S+): sequential ([\\d.]+) ms/workflow; (\\d+)"
            + " workflows in ([\\d.]+) s = (\\d+) workflows/s");

    /**
     * Workflows the probe runs before its burst: 200 to warm up, then 200 timed one after another (its
     * {@code ThroughputIT}).
     */
    public static final int WORKFLOWS_BEFORE_BURST = 400;

    /**
     * What the probe printed: its sequential time per workflow and the throughput of a burst; with the PostgreSQL
     * server's CPU time per workflow over the probe's whole run (NaN where it cannot be read: {@link
     * DatabaseServerCpu}).
     */
    public record Figures(String version, double sequentialMillis, int workflows, double workflowsPerSecond,
            double databaseCpuMillisPerWorkflow) {
        Figures withDatabaseCpu(double millisPerWorkflow) {
            return new Figures(version, sequentialMillis, workflows, workflowsPerSecond, millisPerWorkflow);
        }
    }

    private final Path project;

    public DbosProbe(Path project) {
        if (!Files.isRegularFile(project.resolve("pom.xml"))) {
            throw new IllegalArgumentException("--compare-dbos: " + project + " holds no pom.xml; give the folder"
                    + " of the DBOS probe project.");
        }
        this.project = project;
    }

    /** Runs the probe with {@code workflows} started at once, against the PostgreSQL server of {@code settings}. */
    public Figures run(Settings settings, int workflows) {
        String serverUrl = settings.get(Settings.POSTGRES_URL);
        String probeUrl = databaseUrl(serverUrl, DATABASE);
        createDatabase(settings);
        Path copy = copyProject();
        List<String> command = new ArrayList<>(List.of(maven(), "-B", "-q", "verify", "-Dit.test=ThroughputIT",
                "-Dit.pg.url=" + probeUrl, "-Dn=" + workflows));
        if (!settings.get(Settings.POSTGRES_USER).isEmpty()) {
            command.add("-Dit.pg.user=" + settings.get(Settings.POSTGRES_USER));
        }
        if (!settings.get(Settings.POSTGRES_PASSWORD).isEmpty()) {
            command.add("-Dit.pg.password=" + settings.get(Settings.POSTGRES_PASSWORD));
        }
        DatabaseServerCpu databaseCpu = new DatabaseServerCpu(settings);
        try {
            double databaseCpuBefore = databaseCpu.millis();
            Process process = new ProcessBuilder(command).directory(copy.toFile()).redirectErrorStream(true).start();
            // Read on a thread of its own, so that the time limit holds even while Maven keeps printing.
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(process));
            if (!process.waitFor(30, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("The DBOS probe did not finish within 30 minutes ("
                        + shown(command) + ").");
            }
            String printed = output.join();
            if (process.exitValue() != 0) {
                throw new IllegalStateException("The DBOS probe failed (" + shown(command) + "):\n" + printed);
            }
            Figures figures = parse(printed);
            return figures.withDatabaseCpu((databaseCpu.millis() - databaseCpuBefore)
                    / (figures.workflows() + WORKFLOWS_BEFORE_BURST));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run the DBOS probe with " + maven(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while the DBOS probe ran", e);
        } finally {
            deleteQuietly(copy);
        }
    }

    private static String readAll(Process process) {
        try {
            return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(its output could not be read: " + e.getMessage() + ")";
        }
    }

    /** The command as messages show it: without the password. */
    static String shown(List<String> command) {
        return command.stream().map(arg -> arg.startsWith("-Dit.pg.password=") ? "-Dit.pg.password=***" : arg)
                .collect(Collectors.joining(" "));
    }

    private static void deleteQuietly(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is not worth failing the benchmark for
        }
    }

    static Figures parse(String output) {
        Matcher m = RESULT.matcher(output);
        if (!m.find()) {
            throw new IllegalStateException("The DBOS probe printed no figures:\n" + output);
        }
        return new Figures(m.group(1), Double.parseDouble(m.group(2)), Integer.parseInt(m.group(3)),
                Double.parseDouble(m.group(5)), Double.NaN);
    }

    /** The same server's URL with another database: jdbc:postgresql://host:port/db?params. */
    static String databaseUrl(String serverUrl, String database) {
        Matcher m = Pattern.compile("^(jdbc:postgresql://[^/?]*)(/[^?]*)?(\\?.*)?$").matcher(serverUrl);
        if (!m.matches()) {
            throw new IllegalArgumentException("postgres.url '" + serverUrl + "' is not a jdbc:postgresql:// URL.");
        }
        return m.group(1) + "/" + database + (m.group(3) == null ? "" : m.group(3));
    }

    private static void createDatabase(Settings settings) {
        try (Connection c = PostgresConnections.open(settings); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                if (rs.next()) {
                    return;
                }
            }
            st.execute("CREATE DATABASE " + DATABASE);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create the DBOS probe's database " + DATABASE + ": "
                    + e.getMessage(), e);
        }
    }

    private Path copyProject() {
        try {
            Path copy = Files.createTempDirectory("taskhub-dbos-probe");
            try (Stream<Path> files = Files.walk(project)) {
                for (Path file : (Iterable<Path>) files.filter(p -> !p.startsWith(project.resolve("target")))::iterator) {
                    Path target = copy.resolve(project.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not copy the DBOS probe project " + project, e);
        }
    }

    private static String maven() {
        return System.getProperty("os.name", "").startsWith("Windows") ? "mvn.cmd" : "mvn";
    }
}
