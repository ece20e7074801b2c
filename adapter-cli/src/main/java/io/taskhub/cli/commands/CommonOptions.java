package io.taskhub.cli.commands;

import io.taskhub.cli.management.Connection;
import io.taskhub.cli.output.OutputFormat;
import io.taskhub.runtime.Deployment;
import io.taskhub.runtime.config.Settings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every command shares: where the configuration comes from, and where to send requests. */
public final class CommonOptions {
    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file with settings (default: ./taskhub.properties when present).")
    Path config;

    @Option(names = "--backend", paramLabel = "NAME", description = "sqlite, postgres or azure-storage.")
    String backend;

    @Option(names = "--taskhub", paramLabel = "NAME", description = "Task hub to work on (default: the configured one).")
    String taskHub;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any setting, e.g. --set sqlite.file=data/th.db.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--plugins", paramLabel = "DIR",
            description = "A folder of plugin jars to load, each in a class loader of its own (setting plugins.path).")
    Path plugins;

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "Talk to a running server (e.g. http://127.0.0.1:7071, or the URL that serve prints)"
                    + " instead of the backend directly.")
    String endpoint;

    @Option(names = "--api-key", paramLabel = "KEY", description = "API key for --endpoint (when the server needs one).")
    String apiKey;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "table (default) or json.")
    OutputFormat output = OutputFormat.table;

    /** The settings: defaults, file, environment, then these flags. */
    Settings settings(Map<String, String> environment) {
        Map<String, String> flags = new LinkedHashMap<>(settings);
        if (backend != null) {
            flags.put(Settings.BACKEND.key(), backend);
        }
        if (taskHub != null) {
            flags.put(Settings.TASK_HUB.key(), taskHub);
        }
        if (plugins != null) {
            flags.put(Settings.PLUGINS_PATH.key(), plugins.toString());
        }
        return Settings.load(config, environment, flags);
    }

    /** A connection to the server at --endpoint, or directly to the configured backend. */
    Connection open(Map<String, String> environment) {
        // Loaded in both modes: a mistyped setting is reported even when --endpoint makes it unused.
        Settings resolved = settings(environment);
        if (endpoint != null) {
            return Connection.remote(endpoint, taskHub, apiKey);
        }
        Deployment deployment = Deployment.assemble(resolved, CommonOptions.class.getClassLoader());
        try {
            return Connection.direct(deployment, resolved.get(Settings.TASK_HUB));
        } catch (RuntimeException e) {
            deployment.close();
            throw e;
        }
    }
}
