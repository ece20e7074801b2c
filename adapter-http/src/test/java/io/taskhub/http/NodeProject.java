package io.taskhub.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Node project of the tests (its package.json, its package-lock.json and its scripts), installed with {@code npm ci}
 * (pinned by the lock file) into the build directory, and its scripts run with {@code node}. Every process is
 * waited for or destroyed. The integration tests use it too (this module's test-jar).
 */
public final class NodeProject {
    private final Path source;
    private final Path workdir;
    private final List<String> files;

    /** The project in {@code source} with its {@code scripts}, installed into {@code workdir}. */
    public NodeProject(Path source, Path workdir, String... scripts) {
        this.source = source;
        this.workdir = workdir;
        List<String> all = new ArrayList<>(List.of("package.json", "package-lock.json"));
        all.addAll(List.of(scripts));
        this.files = List.copyOf(all);
    }

    /** The durable-functions npm client's project under src/test/node. */
    static NodeProject fromBuild() {
        return new NodeProject(Path.of(System.getProperty("taskhub.npm.project", "src/test/node")),
                Path.of(System.getProperty("taskhub.npm.workdir", "target/node-client")), "client-check.js");
    }

    /**
     * Copies the project and runs {@code npm ci} unless the same lock file is installed already. Test JVMs that run
     * side by side install one after the other, and a file that is already current is left alone (another JVM's
     * script may be running it).
     */
    public void install() {
        // A file lock keeps other test JVMs out; threads of this one (classes run side by side) take turns first.
        synchronized (NodeProject.class) {
            installExclusively();
        }
    }

    private void installExclusively() {
        try {
            Files.createDirectories(workdir);
            try (FileChannel lockFile = FileChannel.open(workdir.resolve(".install.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
                    FileLock installing = lockFile.lock()) {
                installLocked();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void installLocked() throws IOException {
        for (String file : files) {
            Path copy = workdir.resolve(file);
            if (!Files.exists(copy) || Files.mismatch(source.resolve(file), copy) != -1) {
                Files.copy(source.resolve(file), copy, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path stamp = workdir.resolve("node_modules").resolve(".taskhub-installed-lock");
        String lock = Files.readString(source.resolve("package-lock.json"));
        if (Files.exists(stamp) && Files.readString(stamp).equals(lock)) {
            return;
        }
        Result result = run(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), 300);
        if (result.exitCode() != 0) {
            throw new AssertionError("npm ci failed (" + result.exitCode() + "):\n" + result.stderr()
                    + result.stdout());
        }
        Files.writeString(stamp, lock);
    }

    /** The output of a finished process. */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    public Result node(String script, Map<String, String> env, long timeoutSeconds) {
        return run(List.of("node", script), env, timeoutSeconds);
    }

    private Result run(List<String> command, Map<String, String> env, long timeoutSeconds) {
        List<String> full = new ArrayList<>(command);
        ProcessBuilder builder = new ProcessBuilder(full).directory(workdir.toFile());
        builder.environment().putAll(env);
        Process process = null;
        Path out = null;
        Path err = null;
        try {
            // Files of this run's own: runs of other test JVMs may share the directory.
            out = Files.createTempFile(workdir, "run", ".stdout");
            err = Files.createTempFile(workdir, "run", ".stderr");
            builder.redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.PIPE);
            process = builder.start();
            process.getOutputStream().close();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeoutSeconds
                        + " s; stderr:\n" + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("could not run " + String.join(" ", command)
                    + " (Node.js 18+ and npm must be installed): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            if (process != null && process.isAlive()) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            if (file != null) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // a leftover in the build directory
        }
    }
}
