package io.taskhub.azure.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Azure Storage account the tests run against: an explicitly configured one (system property
 * {@value #CONNECTION_STRING_PROPERTY} or environment variable {@value #CONNECTION_STRING_ENV}), or else Azurite,
 * the storage emulator, started once per JVM on free loopback ports and stopped when the JVM exits.
 *
 * <p>Azurite comes from the npm package pinned in {@code adapter-azure-storage/src/test/azurite} (its
 * package-lock.json is committed); {@code npm ci} installs it on first use, so a fresh machine needs Node.js and
 * npm, nothing else.
 */
public final class AzuriteServer {
    public static final String CONNECTION_STRING_PROPERTY = "taskhub.test.azure.connectionString";
    public static final String CONNECTION_STRING_ENV = "TASKHUB_TEST_AZURE_CONNECTION_STRING";

    /** Azurite's fixed development account (documented by Microsoft; not a secret). */
    private static final String ACCOUNT = "devstoreaccount1";
    private static final String KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final int START_ATTEMPTS = 3;

    private static String connectionString;
    private static Process process;

    private AzuriteServer() {
    }

    /** The connection string of the account to test against; starts Azurite when none is configured. */
    public static synchronized String connectionString() {
        if (connectionString == null) {
            String configured = System.getProperty(CONNECTION_STRING_PROPERTY, System.getenv(CONNECTION_STRING_ENV));
            connectionString = configured != null && !configured.isBlank() ? configured : startAzurite();
        }
        return connectionString;
    }

    /**
     * Starts this JVM's Azurite on free ports, logging to a file of this JVM's own (test forks start theirs side by
     * side). A port found free can be taken by another fork's Azurite before this one binds it: then this one exits
     * while the port still answers (the other's), so it is started again on other ports.
     */
    private static String startAzurite() {
        Path project = nodeProject();
        Path binary = installedBinary(project);
        Path log = logFile("azurite-" + ProcessHandle.current().pid() + ".log");
        for (int attempt = 1; ; attempt++) {
            int blob = freePort();
            int queue = freePort();
            int table = freePort();
            try {
                process = launch(project, binary, List.of("--inMemoryPersistence"), blob, queue, table, log);
            } catch (IllegalStateException e) {
                if (attempt < START_ATTEMPTS) {
                    continue;
                }
                throw e;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(AzuriteServer::stop, "azurite-stop"));
            return connectionString(blob, queue, table);
        }
    }

    /**
     * An Azurite of a test's own that keeps its data on disk in {@code location}, so that it can be stopped and
     * started again (on the same ports) without losing what it stored: a storage service that goes away and comes
     * back. {@link #close()} stops it; the directory is the caller's.
     */
    public static final class OwnAzurite implements AutoCloseable {
        private final Path project;
        private final Path binary;
        private final Path location;
        private final int blob = freePort();
        private final int queue = freePort();
        private final int table = freePort();
        private Process own;

        private OwnAzurite(Path location) {
            this.project = nodeProject();
            this.binary = installedBinary(project);
            this.location = location;
        }

        public static OwnAzurite start(Path location) {
            OwnAzurite azurite = new OwnAzurite(location);
            azurite.startServer();
            return azurite;
        }

        public String connectionString() {
            return AzuriteServer.connectionString(blob, queue, table);
        }

        /** Starts it (again) on its ports, with the data it kept. */
        public synchronized void startServer() {
            own = launch(project, binary, List.of("--location", location.toString()), blob, queue, table,
                    location.resolve("azurite-" + System.nanoTime() + ".log"));
        }

        /** Stops it with SIGTERM, which lets it write what it holds to disk first. */
        public synchronized void stopServer() {
            if (own != null) {
                terminate(own);
                own = null;
            }
        }

        @Override
        public void close() {
            stopServer();
        }
    }

    /** Installs Azurite once; test JVMs that start side by side (forks, modules) wait for the first one's install. */
    private static Path installedBinary(Path project) {
        Path binary = project.resolve("node_modules/.bin/azurite");
        synchronized (AzuriteServer.class) {
            try (FileChannel lockFile = FileChannel.open(project.resolve("node_modules.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock installing = lockFile.lock()) {
                if (!Files.isExecutable(binary)) {
                    run(project, List.of("npm", "ci", "--no-audit", "--no-fund"), Duration.ofMinutes(10));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Could not lock the Azurite installation in " + project, e);
            }
        }
        return binary;
    }

    private static Process launch(Path project, Path binary, List<String> persistence, int blob, int queue,
            int table, Path log) {
        List<String> command = new ArrayList<>(List.of(binary.toString()));
        command.addAll(persistence);
        command.addAll(List.of("--skipApiVersionCheck", "--loose", "--disableProductStyleUrl",
                "--disableTelemetry",
                "--blobHost", "127.0.0.1", "--blobPort", String.valueOf(blob),
                "--queueHost", "127.0.0.1", "--queuePort", String.valueOf(queue),
                "--tableHost", "127.0.0.1", "--tablePort", String.valueOf(table)));
        Process started;
        try {
            started = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start Azurite from " + binary, e);
        }
        awaitListening(started, List.of(blob, queue, table), log);
        return started;
    }

    private static String connectionString(int blob, int queue, int table) {
        String host = "http://127.0.0.1:";
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + KEY
                + ";BlobEndpoint=" + host + blob + "/" + ACCOUNT
                + ";QueueEndpoint=" + host + queue + "/" + ACCOUNT
                + ";TableEndpoint=" + host + table + "/" + ACCOUNT + ";";
    }

    /** Finds the Node project from this module (surefire's basedir) or from a sibling module of the build. */
    private static Path nodeProject() {
        String explicit = System.getProperty("taskhub.test.azurite.dir");
        List<Path> candidates = new ArrayList<>();
        if (explicit != null) {
            candidates.add(Path.of(explicit));
        }
        Path base = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        candidates.add(base.resolve("src/test/azurite"));
        candidates.add(base.resolve("../adapter-azure-storage/src/test/azurite").normalize());
        candidates.add(base.resolve("adapter-azure-storage/src/test/azurite"));
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate.resolve("package-lock.json"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("Cannot find the Azurite Node project (package-lock.json) in " + candidates
                + "; set -Dtaskhub.test.azurite.dir or -D" + CONNECTION_STRING_PROPERTY + ".");
    }

    private static Path logFile(String name) {
        try {
            Path dir = Path.of(System.getProperty("basedir", System.getProperty("user.dir")), "target");
            Files.createDirectories(dir);
            return dir.resolve(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void run(Path directory, List<String> command, Duration timeout) {
        try {
            Process npm = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!npm.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                npm.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout);
            }
            if (npm.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed with exit code "
                        + npm.exitValue() + " in " + directory);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + command + " (are Node.js and npm installed?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + command, e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until each port answers and the process's own log says it listens there (an answer alone may come
     * from another process that took the port first).
     */
    private static void awaitListening(Process started, List<Integer> ports, Path log) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        for (int port : ports) {
            while (!accepts(port) || !readQuietly(log).contains("listening at http://127.0.0.1:" + port)) {
                if (!started.isAlive()) {
                    throw new IllegalStateException("Azurite exited with code " + started.exitValue() + ":\n"
                            + readQuietly(log));
                }
                if (System.nanoTime() > deadline) {
                    terminate(started);
                    throw new IllegalStateException("Azurite did not listen on port " + port + " within "
                            + START_TIMEOUT + ":\n" + readQuietly(log));
                }
                sleep(100);
            }
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static synchronized void stop() {
        if (process != null) {
            terminate(process);
            process = null;
        }
    }

    private static void terminate(Process running) {
        running.descendants().forEach(ProcessHandle::destroy);
        running.destroy();
        try {
            if (!running.waitFor(10, TimeUnit.SECONDS)) {
                running.destroyForcibly();
            }
        } catch (InterruptedException e) {
            running.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static String readQuietly(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for Azurite", e);
        }
    }
}
