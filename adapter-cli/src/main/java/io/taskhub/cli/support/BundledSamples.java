package io.taskhub.cli.support;

import io.taskhub.runtime.config.ConfigurationException;
import io.taskhub.runtime.config.Settings;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The samples that come with the command: {@code taskhub-samples.jar}, next to {@code taskhub.jar} (in the build's
 * {@code adapter-cli/target}, and in the distribution's {@code lib/}). They are a plugin like any other, loaded in a
 * class loader of their own, so they neither sit in the production jar nor reserve their names when turned off
 * ({@code samples.enabled=false}).
 */
public final class BundledSamples {
    static final String JAR = "taskhub-samples.jar";

    private BundledSamples() {
    }

    /** The samples jar when the settings want it and it is there; nothing otherwise. */
    public static List<Path> forSettings(Settings settings) {
        return settings.getBoolean(Settings.SAMPLES_ENABLED) ? jar().map(List::of).orElse(List.of()) : List.of();
    }

    /**
     * What to load so that the samples are there whatever the settings say (the benchmark's workload is a sample):
     * nothing when they are on the class path already, else their jar, which must be there.
     */
    public static List<Path> required() {
        if (onClassPath()) {
            return List.of();
        }
        return List.of(jar().orElseThrow(() -> new ConfigurationException("The samples jar (" + JAR + ") is not"
                + " next to the taskhub jar; build it with ./mvnw -B -DskipTests -pl adapter-cli -am package.")));
    }

    private static boolean onClassPath() {
        return BundledSamples.class.getResource("/io/taskhub/samples/SamplesPlugin.class") != null;
    }

    /**
     * {@code taskhub-samples.jar} in the folder this command's classes were loaded from, if it is there and the
     * samples are not on the class path already (run from a build's classes, they are, and load from there).
     */
    static Optional<Path> jar() {
        if (onClassPath()) {
            return Optional.empty();
        }
        try {
            Path code = Path.of(BundledSamples.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path folder = code.getParent(); // of target/classes (tests), or of the jar
            Path jar = folder == null ? null : folder.resolve(JAR);
            return jar != null && Files.isRegularFile(jar) ? Optional.of(jar) : Optional.empty();
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
