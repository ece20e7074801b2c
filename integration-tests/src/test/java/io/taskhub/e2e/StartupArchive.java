package io.taskhub.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A class-data sharing archive of the classes a command loads, made once per build of the jar and shared by
 * every command the tests start. The tests start a couple of hundred short-lived JVMs on two cores, and the
 * archive saves about a third of each one's start-up CPU. When it cannot be made, commands run without it.
 */
final class StartupArchive {
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
            Path partial = scratch.resolve("archive.jsa");
            List<String> command = new ArrayList<>(List.of(TaskhubJar.javaLauncher()));
            command.addAll(baseOptions);
            command.addAll(List.of("-XX:ArchiveClassesAtExit=" + partial, "-jar", jar.toString(), "get-instances",
                    "--set", "sqlite.file=" + scratch.resolve("training.db")));
            ProcessBuilder builder = new ProcessBuilder(command).directory(scratch.toFile())
                    .redirectErrorStream(true).redirectOutput(scratch.resolve("training.log").toFile());
            TaskhubProcess.clean(builder.environment());
            Process process = LiveProcesses.track(builder.start());
            process.getOutputStream().close();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                return Optional.empty();
            }
            if (process.exitValue() != 0 || !Files.isRegularFile(partial)) {
                return Optional.empty();
            }
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
            return Optional.of(file);
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            deleteQuietly(scratch);
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
