package io.taskhub.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A running {@code taskhub serve} process. It is ready once it prints
 * {@code Taskhub is serving http://HOST:PORT/runtime/webhooks/durabletask}; {@link #stop()} ends it with
 * SIGTERM (a graceful stop), {@link #kill()} with SIGKILL (a crash).
 */
final class ServeProcess implements AutoCloseable {
    static final Duration START_LIMIT = Duration.ofSeconds(90);
    static final Duration STOP_LIMIT = Duration.ofSeconds(45);

    /** What {@code serve --no-http} prints once its worker runs (it has no URL). */
    static final String WORKER_ONLY = "Taskhub worker is running (no HTTP API)";
    private static final Pattern SERVING = Pattern.compile("Taskhub is serving (http://\\S+)/runtime/webhooks/durabletask");

    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final String rootUrl;

    private ServeProcess(Process process, Path stdout, Path stderr, String rootUrl) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.rootUrl = rootUrl;
    }

    static ServeProcess start(ProcessBuilder builder, Path logs) {
        Process process = null;
        try {
            Files.createDirectories(logs);
            Path stdout = Files.createTempFile(logs, "serve-", ".out");
            Path stderr = stdout.resolveSibling(stdout.getFileName().toString().replace(".out", ".err"));
            builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
            process = LiveProcesses.track(builder.start());
            process.getOutputStream().close();
            long deadline = System.nanoTime() + START_LIMIT.toNanos();
            while (true) {
                String printed = Files.readString(stdout, StandardCharsets.UTF_8);
                Matcher serving = SERVING.matcher(printed);
                if (serving.find()) {
                    return new ServeProcess(process, stdout, stderr, serving.group(1));
                }
                if (printed.contains(WORKER_ONLY)) {
                    return new ServeProcess(process, stdout, stderr, null);
                }
                if (!process.isAlive()) {
                    throw new IllegalStateException("taskhub serve ended with exit code " + process.exitValue()
                            + " before serving.\n" + logs(stdout, stderr));
                }
                if (System.nanoTime() > deadline) {
                    process.destroyForcibly().waitFor();
                    throw new IllegalStateException("taskhub serve did not start serving within "
                            + START_LIMIT.toSeconds() + " s and was killed.\n" + logs(stdout, stderr));
                }
                Thread.sleep(50);
            }
        } catch (IOException e) {
            kill(process);
            throw new UncheckedIOException("Cannot start taskhub serve", e);
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting taskhub serve", e);
        }
    }

    /** What {@code --endpoint} takes: {@code http://HOST:PORT}. */
    String rootUrl() {
        return rootUrl;
    }

    /** The management API's base, as the server prints it. */
    String managementUrl() {
        return rootUrl + "/runtime/webhooks/durabletask";
    }

    /** The HTTP API, for the tests' own set-up and polling. */
    ServerApi api() {
        return new ServerApi(managementUrl());
    }

    /** What the process printed to standard error (its log) so far. */
    String stderr() {
        try {
            return Files.readString(stderr, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the process printed to standard output so far. */
    String stdout() {
        try {
            return Files.readString(stdout, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM, then waits for the graceful stop; a process that does not stop in time is killed and reported. */
    void stop() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("taskhub serve did not stop within " + STOP_LIMIT.toSeconds()
                        + " s of SIGTERM and was killed.\n" + logs());
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    long pid() {
        return process.pid();
    }

    /** SIGSTOP: the process stops running, as a process that a long pause or an overloaded machine freezes. */
    void pause() {
        signal("STOP");
    }

    /** SIGCONT: a paused process runs on from where it stopped. */
    void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while sending SIG" + name, e);
        }
    }

    /** SIGKILL: the process ends at once, as in a crash. */
    void kill() {
        kill(process);
    }

    private static void kill(Process process) {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Everything the process printed so far. */
    String logs() {
        return logs(stdout, stderr);
    }

    private static String logs(Path stdout, Path stderr) {
        try {
            return "--- serve stdout ---\n" + Files.readString(stdout, StandardCharsets.UTF_8)
                    + "--- serve stderr ---\n" + Files.readString(stderr, StandardCharsets.UTF_8) + "---";
        } catch (IOException e) {
            return "(cannot read the server's output: " + e + ")";
        }
    }

    @Override
    public void close() {
        stop();
    }
}
