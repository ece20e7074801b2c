package io.taskhub.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs the built taskhub jar as separate processes, as a user would: in a working directory the test chooses,
 * with only the {@code TASKHUB_*} settings the test gives (inherited ones are removed, except the test
 * tooling's {@code TASKHUB_TEST_*}), with empty standard input, and within a time limit.
 */
final class TaskhubProcess {
    static final Duration COMMAND_LIMIT = Duration.ofSeconds(120);

    /** Short-lived JVMs start faster without the optimizing compiler; JVM warnings must not reach stdout. */
    private static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-Xlog:disable", "-Xlog:all=warning:stderr");

    private static final ExecutorService OUTPUT_READERS = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "e2e-output-reader");
        thread.setDaemon(true);
        return thread;
    });

    private final Path workingDirectory;
    private final Map<String, String> environment;
    private final Path plugins;

    TaskhubProcess(Path workingDirectory, Map<String, String> environment) {
        this(workingDirectory, environment, null);
    }

    private TaskhubProcess(Path workingDirectory, Map<String, String> environment, Path plugins) {
        this.workingDirectory = workingDirectory;
        this.environment = Map.copyOf(environment);
        this.plugins = plugins;
    }

    /** The same, with more environment variables. */
    TaskhubProcess withEnvironment(Map<String, String> more) {
        Map<String, String> merged = new LinkedHashMap<>(environment);
        merged.putAll(more);
        return new TaskhubProcess(workingDirectory, merged, plugins);
    }

    /** The same, with plugin classes (a directory or jar) on the class path after the jar. */
    TaskhubProcess withPlugins(Path classes) {
        return new TaskhubProcess(workingDirectory, environment, classes);
    }

    /** The same, in another working directory. */
    TaskhubProcess in(Path directory) {
        return new TaskhubProcess(directory, environment, plugins);
    }

    Path workingDirectory() {
        return workingDirectory;
    }

    /** Runs {@code taskhub <arguments>} to its end and returns what it did. */
    CommandResult run(String... arguments) {
        return run(List.of(arguments));
    }

    CommandResult run(List<String> arguments) {
        long started = System.nanoTime();
        Process process = start(arguments);
        CompletableFuture<String> stdout = drain(process.getInputStream());
        CompletableFuture<String> stderr = drain(process.getErrorStream());
        try {
            if (!process.waitFor(COMMAND_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("taskhub " + String.join(" ", arguments) + " did not end within "
                        + COMMAND_LIMIT.toSeconds() + " s and was killed.\n--- stdout ---\n" + stdout.join()
                        + "--- stderr ---\n" + stderr.join());
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while running taskhub " + arguments, e);
        }
        CommandResult result = new CommandResult(arguments, process.exitValue(), stdout.join(), stderr.join(),
                Duration.ofNanos(System.nanoTime() - started));
        // One line per command in the test output: where an end-to-end run spends its time.
        System.out.printf("%6d ms  exit %d  taskhub %s%n", result.took().toMillis(), result.exitCode(),
                String.join(" ", arguments));
        return result;
    }

    /** Starts {@code taskhub serve <arguments>} and waits until it serves; its output goes to files in logs. */
    ServeProcess serve(Path logs, String... arguments) {
        List<String> all = new ArrayList<>(List.of("serve"));
        all.addAll(List.of(arguments));
        return ServeProcess.start(processBuilder(all), logs);
    }

    private Process start(List<String> arguments) {
        try {
            Process process = LiveProcesses.track(processBuilder(arguments).start());
            process.getOutputStream().close(); // no answer to any question: confirmations are refused
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start taskhub " + arguments, e);
        }
    }

    private ProcessBuilder processBuilder(List<String> arguments) {
        List<String> command = new ArrayList<>(List.of(TaskhubJar.javaLauncher()));
        command.addAll(JVM_OPTIONS);
        String jar = TaskhubJar.path().toString();
        if (plugins == null) {
            command.addAll(StartupArchive.jvmOptions(JVM_OPTIONS));
            command.addAll(List.of("-jar", jar));
        } else {
            // The test classes hold a logback-test.xml; the command keeps the logging configuration of its jar.
            command.addAll(List.of("-Dlogback.configurationFile=logback.xml",
                    "-cp", jar + java.io.File.pathSeparator + plugins, "io.taskhub.cli.TaskhubMain"));
        }
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile());
        clean(builder.environment());
        builder.environment().putAll(environment);
        return builder;
    }

    /** Removes inherited Taskhub settings from an environment, keeping the test tooling's. */
    static void clean(Map<String, String> environment) {
        environment.keySet().removeIf(name -> name.startsWith("TASKHUB_") && !name.startsWith("TASKHUB_TEST_"));
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, OUTPUT_READERS);
    }
}
