package io.taskhub.runtime;

import io.taskhub.core.jobs.BulkJobPlugin;
import io.taskhub.core.registry.OrchestrationRegistry;
import io.taskhub.ports.client.FunctionCatalog;
import io.taskhub.ports.orchestration.Activity;
import io.taskhub.ports.orchestration.Orchestrator;
import io.taskhub.ports.orchestration.TaskRegistry;
import io.taskhub.ports.orchestration.TaskhubPlugin;
import io.taskhub.runtime.config.ConfigurationException;
import io.taskhub.runtime.config.Settings;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Where a deployment's orchestrations come from, and the one place that registers them: plugins handed over by
 * an embedding application, those on the class path (ServiceLoader), and one class loader per jar of a plugin
 * folder. Each registered name remembers its source, so that a name registered twice, or a plugin that fails,
 * stops the start with a message naming both.
 */
public final class PluginSet {
    /** One plugin and where it came from ("the class path", "the application", or a jar's path). */
    record Source(TaskhubPlugin plugin, String origin) {
    }

    /** The origin of Taskhub's own orchestrations (bulk jobs). */
    static final String BUILT_IN = "Taskhub (built in)";

    private final List<Source> sources;
    private final List<URLClassLoader> jarLoaders;

    private PluginSet(List<Source> sources, List<URLClassLoader> jarLoaders) {
        this.sources = sources;
        this.jarLoaders = jarLoaders;
    }

    /**
     * The given plugins, those the class loader's ServiceLoader finds, and the jars of the {@code plugins.path}
     * folder when it is set.
     */
    public static PluginSet fromSettings(Settings settings, ClassLoader classPath, List<TaskhubPlugin> given) {
        PluginSet set = of(classPath, given);
        String folder = settings.get(Settings.PLUGINS_PATH);
        return folder.isBlank() ? set : set.withFolder(Path.of(folder), classPath);
    }

    /** The given plugins, then every plugin the class loader's ServiceLoader finds. */
    public static PluginSet of(ClassLoader classPath, List<TaskhubPlugin> given) {
        List<Source> sources = new ArrayList<>();
        // Bulk jobs run on the engine itself: every worker can run them.
        sources.add(new Source(new BulkJobPlugin(), BUILT_IN));
        given.forEach(p -> sources.add(new Source(p, "the application (" + p.getClass().getName() + ")")));
        Set<Class<?>> givenClasses = new HashSet<>();
        given.forEach(p -> givenClasses.add(p.getClass()));
        for (TaskhubPlugin plugin : load(classPath, "the class path")) {
            // An application's own plugin, also listed for ServiceLoader (its jar doubles as a plugin jar), once.
            if (!givenClasses.contains(plugin.getClass())) {
                sources.add(new Source(plugin, "the class path (" + plugin.getClass().getName() + ")"));
            }
        }
        return new PluginSet(sources, List.of());
    }

    /**
     * The same, plus every jar in {@code folder}, each in a class loader of its own whose parent is
     * {@code classPath}, so that jars do not see each other's classes.
     *
     * @throws ConfigurationException naming a folder that does not exist or a jar that cannot be loaded
     */
    public PluginSet withFolder(Path folder, ClassLoader classPath) {
        if (!Files.isDirectory(folder)) {
            throw new ConfigurationException("Setting 'plugins.path': " + folder + " is not a folder.");
        }
        List<Path> jars;
        try (Stream<Path> files = Files.list(folder)) {
            jars = files.filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jar"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new ConfigurationException("Setting 'plugins.path': cannot list " + folder + ": " + e.getMessage());
        }
        return withJars(jars, classPath);
    }

    /**
     * The same, plus each of {@code jars}, in a class loader of its own whose parent is {@code classPath}.
     *
     * @throws ConfigurationException naming a jar that cannot be loaded or declares no plugin
     */
    public PluginSet withJars(List<Path> jars, ClassLoader classPath) {
        for (Path jar : jars) {
            if (!Files.isRegularFile(jar)) {
                throw new ConfigurationException("Plugin jar " + jar + " does not exist.");
            }
        }
        List<Source> all = new ArrayList<>(sources);
        List<URLClassLoader> loaders = new ArrayList<>(jarLoaders);
        for (Path jar : jars) {
            URLClassLoader loader = new URLClassLoader("plugin " + jar.getFileName(), new URL[] {url(jar)},
                    classPath);
            loaders.add(loader);
            List<TaskhubPlugin> found = new ArrayList<>();
            for (TaskhubPlugin plugin : load(loader, jar.toString())) {
                if (plugin.getClass().getClassLoader() == loader) {
                    found.add(plugin); // the parent's plugins are on the class path already
                }
            }
            if (found.isEmpty()) {
                throw new ConfigurationException("Plugin jar " + jar + " declares no " + TaskhubPlugin.class.getName()
                        + " (list its classes in META-INF/services/" + TaskhubPlugin.class.getName() + ").");
            }
            found.forEach(p -> all.add(new Source(p, jar.toString())));
        }
        return new PluginSet(all, loaders);
    }

    private static URL url(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new ConfigurationException("Plugin jar " + jar + " has no usable path: " + e.getMessage());
        }
    }

    private static List<TaskhubPlugin> load(ClassLoader loader, String where) {
        List<TaskhubPlugin> plugins = new ArrayList<>();
        try {
            for (TaskhubPlugin plugin : ServiceLoader.load(TaskhubPlugin.class, loader)) {
                plugins.add(plugin);
            }
        } catch (ServiceConfigurationError | LinkageError e) {
            throw new ConfigurationException("Cannot load the plugins of " + where + ": " + e.getMessage());
        }
        return plugins;
    }

    /**
     * Registers every plugin, in order, and returns what each registered.
     *
     * @throws ConfigurationException when a plugin throws, or registers a name another source registered
     */
    public List<FunctionCatalog.Function> registerInto(OrchestrationRegistry registry) {
        Map<String, FunctionCatalog.Function> byName = new LinkedHashMap<>();
        for (Source source : sources) {
            TaskRegistry tracking = new TaskRegistry() {
                @Override
                public TaskRegistry addOrchestrator(String name, Orchestrator orchestrator) {
                    claim(byName, FunctionCatalog.Kind.ORCHESTRATOR, name, source.origin());
                    registry.addOrchestrator(name, orchestrator);
                    return this;
                }

                @Override
                public TaskRegistry addActivity(String name, Activity activity) {
                    claim(byName, FunctionCatalog.Kind.ACTIVITY, name, source.origin());
                    registry.addActivity(name, activity);
                    return this;
                }
            };
            try {
                source.plugin().register(tracking);
            } catch (ConfigurationException e) {
                throw e;
            } catch (RuntimeException | LinkageError e) {
                throw new ConfigurationException("Plugin " + source.plugin().getClass().getName() + " from "
                        + source.origin() + " failed to register: " + e);
            }
        }
        return List.copyOf(byName.values());
    }

    private static void claim(Map<String, FunctionCatalog.Function> byName, FunctionCatalog.Kind kind, String name,
            String origin) {
        String key = kind + ":" + (name == null ? "" : name.toLowerCase(Locale.ROOT));
        FunctionCatalog.Function first = byName.get(key);
        if (first != null) {
            throw new ConfigurationException("The " + kind.name().toLowerCase(Locale.ROOT) + " '" + name
                    + "' is registered twice: first by " + first.source() + ", again by " + origin
                    + " (names are case-insensitive).");
        }
        byName.put(key, new FunctionCatalog.Function(kind, name, origin));
    }

    /** Closes the plugin jars' class loaders, once the deployment no longer runs their code. */
    void close() {
        for (URLClassLoader loader : jarLoaders) {
            try {
                loader.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
        }
    }
}
