package io.taskhub.cli.benchmark;

import io.taskhub.runtime.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Stream;

/**
 * The CPU time the PostgreSQL server has used so far, read from {@code /proc} when it runs on this machine: the
 * postmaster's own, that of its processes (backends, WAL writer, checkpointer, autovacuum) and that of the processes
 * that ended (the postmaster's children's time). The server is the one whose backend serves a connection of the
 * benchmark: that backend's parent is the postmaster. It is the whole server's CPU, other databases' work
 * included. Two readings give what a part of a run cost the database, a figure that moves less with a shared
 * machine's swings than throughput does. NaN where the server's processes are not visible here (another machine or
 * container, not Linux) and on other backends.
 */
public final class DatabaseServerCpu {
    /** Linux gives process times in ticks of USER_HZ, 100 a second. */
    private static final double MILLIS_PER_TICK = 10;

    private final Settings settings;
    private final Path proc;

    public DatabaseServerCpu(Settings settings) {
        this(settings, Path.of("/proc"));
    }

    DatabaseServerCpu(Settings settings, Path proc) {
        this.settings = settings;
        this.proc = proc;
    }

    /** Milliseconds of CPU the server has used so far; NaN where it cannot be read. */
    double millis() {
        if (!"postgres".equals(settings.get(Settings.BACKEND))) {
            return Double.NaN;
        }
        try (Connection c = PostgresConnections.open(settings); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            // Read while the connection is open: its backend, the way to the postmaster, ends with it.
            return rs.next() ? serverMillis(rs.getLong(1)) : Double.NaN;
        } catch (SQLException e) {
            return Double.NaN; // the figure is left out rather than failing the benchmark
        }
    }

    /** The CPU of the server one of whose backends has the process id {@code backend}. */
    double serverMillis(long backend) {
        ProcessTimes served = ProcessTimes.read(proc, backend);
        ProcessTimes postmaster = served == null || !served.isPostgres() ? null : ProcessTimes.read(proc,
                served.parent());
        if (postmaster == null || !postmaster.isPostgres()) {
            return Double.NaN;
        }
        long ticks = postmaster.ticks();
        try (Stream<Path> entries = Files.list(proc)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                String name = entry.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                ProcessTimes process = ProcessTimes.read(proc, Long.parseLong(name));
                if (process != null && process.parent() == postmaster.pid()) {
                    ticks += process.ticks();
                }
            }
        } catch (IOException | UncheckedIOException e) {
            return Double.NaN;
        }
        return ticks * MILLIS_PER_TICK;
    }

    /**
     * One process's line of {@code /proc/<pid>/stat}: its name, its parent, and its CPU ticks with those of its
     * children that ended (user and system time of each).
     */
    record ProcessTimes(long pid, String name, long parent, long ticks) {
        /** Null when the process is gone (or never was). */
        static ProcessTimes read(Path proc, long pid) {
            try {
                return parse(pid, Files.readString(proc.resolve(Long.toString(pid)).resolve("stat")));
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        /** The name is between the first '(' and the last ')', and may hold both, and spaces. */
        static ProcessTimes parse(long pid, String stat) {
            int open = stat.indexOf('(');
            int close = stat.lastIndexOf(')');
            String[] fields = stat.substring(close + 2).trim().split(" ");
            // After the name: state, ppid, ... utime (the 12th), stime, cutime, cstime.
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]) + Long.parseLong(fields[13])
                    + Long.parseLong(fields[14]);
            return new ProcessTimes(pid, stat.substring(open + 1, close), Long.parseLong(fields[1]), ticks);
        }

        /** A server started through its old name runs as "postmaster". */
        boolean isPostgres() {
            return name.startsWith("postgres") || name.equals("postmaster");
        }
    }
}
