package io.taskhub.cli.commands;

import io.taskhub.cli.output.LogFormat;
import io.taskhub.runtime.config.Settings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where the configuration comes from: the options of every command that opens a backend itself. */
public final class ConfigOptions {
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
        // bin/taskhub of the distribution names its conf/taskhub.properties in TASKHUB_CONFIG; --config wins.
        Path file = config != null ? config
                : environment.containsKey(Settings.CONFIG_VARIABLE) ? Path.of(environment.get(Settings.CONFIG_VARIABLE))
                : null;
        Settings loaded = Settings.load(file, environment, flags);
        LogFormat.apply(loaded);
        return loaded;
    }
}
