package io.taskhub.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A class-data sharing archive of the classes the commands load, made once per build of the jar and shared by
 * every command the tests start. The tests start several hundred short-lived JVMs on two cores, and the archive
 * saves a third to a half of each one's start-up CPU. The commands of each backend and of {@code --endpoint}
 * load different classes, so one training command runs for each, each listing what it loaded; the merged list
 * makes one static archive. A training command that cannot run (say, no PostgreSQL) leaves its classes out;
 * when no archive can be made, commands run without one.
 */
final class StartupArchive {
    private static final long TRAINING_LIMIT_SECONDS = 120;

    private static Optional<Path> archive;

    private StartupArchive() {
    }

    /** JVM options that use the archive (none when there is none). */
    static synchronized List<String> jvmOptions(List<String> baseOptions) {
        if (archive == null) {
            archive = create(baseOptions);
        }
        return archive.map(file -> List.of("-XX:SharedArchiveFile=" + file)).orElse(List.of());
    }

    private static Optional<Path> create(List<String> baseOptions) {
        Path scratch = null;
        try {
            Path jar = TaskhubJar.path();
            Path directory = TaskhubJar.moduleDirectory().resolve("target/e2e-startup-archive");
            // The JVM refuses an archive made from another build of the jar; the name tells builds apart.
            Path file = directory.resolve("taskhub-" + Files.size(jar) + "-"
                    + Files.getLastModifiedTime(jar).toMillis() + ".jsa");
            if (Files.isRegularFile(file)) {
                return Optional.of(file);
            }
            Files.createDirectories(directory);
            deleteQuietly(directory); // archives of earlier builds, which no JVM would accept any more
            Files.createDirectories(directory);
            scratch = Files.createTempDirectory(directory, "training-");
            Set<String> classes = new LinkedHashSet<>();
            for (Training training : trainings(scratch)) {
                try {
                    classes.addAll(loadedClasses(baseOptions, jar, scratch, training));
                } finally {
                    closeQuietly(training.storage());
                }
            }
            if (classes.isEmpty()) {
                return Optional.empty();
            }
            Path classList = Files.write(scratch.resolve("classes.lst"), classes);
            Path partial = scratch.resolve("archive.jsa");
            List<String> dump = new ArrayList<>(List.of(TaskhubJar.javaLauncher()));
            dump.addAll(baseOptions);
            dump.addAll(List.of("-Xshare:dump", "-XX:SharedClassListFile=" + classList,
                    "-XX:SharedArchiveFile=" + partial, "-cp", jar.toString()));
            if (!run(dump, Map.of(), scratch, scratch.resolve("dump.log")) || !Files.isRegularFile(partial)) {
                return Optional.empty();
            }
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
            return Optional.of(file);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            deleteQuietly(scratch);
        }
    }

    /** A command to learn the classes of, on storage of its own (removed afterwards). */
    private record Training(Storage storage, List<String> arguments) {
    }

    /** One read-only command per kind of storage, on the same test services the end-to-end tests use. */
    private static List<Training> trainings(Path scratch) {
        List<Training> trainings = new ArrayList<>();
        Storage file = Storage.sqlite(scratch);
        trainings.add(new Training(file, List.of("get-instances")));
        // --endpoint on a closed port exits with "unavailable", having loaded the HTTP client all the same.
        trainings.add(new Training(file, List.of("get-instances", "--endpoint", "http://127.0.0.1:" + closedPort())));
        try {
            trainings.add(new Training(Storage.postgres(), List.of("get-instances")));
        } catch (RuntimeException e) {
            // no PostgreSQL: its classes stay out of the archive
        }
        try {
            String taskHub = "Training" + ManagementCommandsContract.uniqueSuffix();
            trainings.add(new Training(Storage.azureStorage(taskHub), List.of("get-instances", "--taskhub", taskHub)));
        } catch (RuntimeException e) {
            // no Azurite: its classes stay out of the archive
        }
        return trainings;
    }

    private static void closeQuietly(Storage storage) {
        try {
            storage.close();
        } catch (RuntimeException e) {
            // a leftover training schema or task hub is harmless
        }
    }

    /** Runs the command with the JVM listing the classes it loads; empty when it fails. */
    private static List<String> loadedClasses(List<String> baseOptions, Path jar, Path scratch, Training training)
            throws IOException, InterruptedException {
        Path list = Files.createTempFile(scratch, "loaded-", ".lst");
        List<String> command = new ArrayList<>(List.of(TaskhubJar.javaLauncher()));
        command.addAll(baseOptions);
        command.addAll(List.of("-XX:DumpLoadedClassList=" + list, "-jar", jar.toString()));
        command.addAll(training.arguments());
        run(command, training.storage().environment(), scratch, scratch.resolve("training.log"));
        return Files.readAllLines(list).stream().filter(line -> !line.startsWith("#") && !line.isBlank()).toList();
    }

    private static boolean run(List<String> command, Map<String, String> environment, Path directory, Path log)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        TaskhubProcess.clean(builder.environment());
        builder.environment().putAll(environment);
        Process process = LiveProcesses.track(builder.start());
        process.getOutputStream().close();
        if (!process.waitFor(TRAINING_LIMIT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            return false;
        }
        return process.exitValue() == 0;
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            return 1;
        }
    }

    private static void deleteQuietly(Path directory) {
        if (directory == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a leftover scratch directory under target/ is harmless
        }
    }
}
