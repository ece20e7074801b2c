package io.taskhub.cli.commands;

import io.taskhub.cli.management.Connection;
import io.taskhub.cli.output.OutputFormat;
import io.taskhub.cli.support.BundledSamples;
import io.taskhub.runtime.Deployment;
import io.taskhub.runtime.PluginSet;
import io.taskhub.runtime.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of the management commands: the configuration (to work on the backend directly), or a running
 * server to talk to instead, and the output format.
 */
public final class CommonOptions {
    @Mixin
    ConfigOptions config;

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "Talk to a running server (e.g. http://127.0.0.1:7071, or the URL that serve prints)"
                    + " instead of the backend directly.")
    String endpoint;

    @Option(names = "--api-key", paramLabel = "KEY", description = "API key for --endpoint (when the server needs one).")
    String apiKey;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "table (default) or json.")
    OutputFormat output = OutputFormat.table;

    /**
     * A connection to the server at --endpoint, or directly to the configured backend. On SQLite, says which
     * database file it opens (on {@code notices}), and warns when the file did not exist: a command run from
     * another directory would otherwise work on a new, empty database without a word.
     */
    Connection open(Map<String, String> environment, Consumer<String> notices) {
        // Loaded in both modes: a mistyped setting is reported even when --endpoint makes it unused.
        Settings resolved = config.settings(environment);
        if (endpoint != null) {
            return Connection.remote(endpoint, config.taskHub, apiKey);
        }
        if (resolved.get(Settings.BACKEND).equals("sqlite")) {
            Path file = Path.of(resolved.get(Settings.SQLITE_FILE)).toAbsolutePath().normalize();
            notices.accept("Using the SQLite database " + file);
            if (!Files.exists(file)) {
                notices.accept("Warning: " + file + " did not exist; it is created empty. To work on an existing"
                        + " database from anywhere, set " + Settings.SQLITE_FILE.environmentVariable() + " or pass"
                        + " --set " + Settings.SQLITE_FILE.key() + "=PATH.");
            }
        }
        ClassLoader classPath = CommonOptions.class.getClassLoader();
        Deployment deployment = Deployment.assemble(resolved, PluginSet.fromSettings(resolved, classPath, List.of())
                .withJars(BundledSamples.forSettings(resolved), classPath));
        try {
            return Connection.direct(deployment, resolved.get(Settings.TASK_HUB));
        } catch (RuntimeException e) {
            deployment.close();
            throw e;
        }
    }
}
