package io.taskhub.e2e;

import java.nio.file.Files;
import java.nio.file.Path;

/** The built {@code taskhub.jar} that the end-to-end tests run, and the Java that runs it. */
final class TaskhubJar {
    private TaskhubJar() {
    }

    /**
     * The jar that {@code adapter-cli} packages; in the reactor its package phase runs before these tests.
     *
     * @throws IllegalStateException when it has not been built, saying how to build it
     */
    static Path path() {
        Path jar = moduleDirectory().resolve("../adapter-cli/target/taskhub.jar").normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The end-to-end tests run the built command, but " + jar
                    + " does not exist. Build it first (mvn -B -q package -DskipTests -pl adapter-cli -am), or run the"
                    + " whole build (./mvnw -B verify), which packages it before these tests run.");
        }
        return jar;
    }

    /** This module's directory: Surefire runs tests there and also names it in {@code basedir}. */
    static Path moduleDirectory() {
        String basedir = System.getProperty("basedir");
        return Path.of(basedir != null ? basedir : "").toAbsolutePath();
    }

    /** The {@code java} launcher of the JVM running the tests. */
    static String javaLauncher() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
