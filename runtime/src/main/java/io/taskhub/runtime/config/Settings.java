package io.taskhub.runtime.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Taskhub's configuration, from one source with four layers: defaults &lt; {@code taskhub.properties} (or the
 * file given with {@code --config}) &lt; environment variables {@code TASKHUB_*} &lt; command-line flags. An
 * unknown key or an invalid value stops the start with a message naming it.
 */
public final class Settings {
    public static final Setting BACKEND = Setting.choice("backend", "sqlite",
            "Storage backend", "sqlite", "postgres", "azure-storage");
    public static final Setting TASK_HUB = Setting.text("taskhub", "TaskHub",
            "Default task hub: 3 to 45 letters or digits, starting with a letter");
    public static final Setting SQLITE_FILE = Setting.text("sqlite.file", ".taskhub/taskhub.db",
            "SQLite database file");
    public static final Setting POSTGRES_URL = Setting.text("postgres.url", "jdbc:postgresql://127.0.0.1:5432/postgres",
            "PostgreSQL JDBC URL");
    public static final Setting POSTGRES_USER = Setting.text("postgres.user", "postgres", "PostgreSQL user");
    public static final Setting POSTGRES_PASSWORD = Setting.text("postgres.password", "", "PostgreSQL password");
    public static final Setting POSTGRES_SCHEMA = Setting.text("postgres.schema", "taskhub",
            "PostgreSQL schema for Taskhub's tables (created when missing)");
    public static final Setting POSTGRES_POOL_SIZE = Setting.integer("postgres.poolSize", 10,
            "PostgreSQL connection pool size");
    public static final Setting POSTGRES_SYNCHRONOUS_COMMIT = Setting.choice("postgres.synchronousCommit", "server",
            "PostgreSQL's synchronous_commit for Taskhub's connections; server keeps the server's (durable by"
                    + " default). off is faster, but a crash of the database server can lose the last moments of"
                    + " acknowledged work", "server", "on", "off", "local", "remote_write", "remote_apply");
    public static final Setting AZURE_CONNECTION_STRING = Setting.text("azure.connectionString",
            "UseDevelopmentStorage=true", "Azure Storage connection string");
    public static final Setting AZURE_PARTITIONS = Setting.integer("azure.partitionCount", 4,
            "Control-queue partitions (1 to 16); fixed when the task hub is created");
    public static final Setting AZURE_PARTITION_LEASE = Setting.seconds("azure.partitionLeaseSeconds", 30,
            "Lease on a control-queue partition; a crashed worker's partitions move to others after it");
    public static final Setting AZURE_POLLING = Setting.seconds("azure.maxPollingSeconds", 1,
            "Longest idle wait between looks at the queues (latency of work another process adds)");
    public static final Setting HTTP_HOST = Setting.text("http.host", "127.0.0.1",
            "Address the HTTP API binds to");
    public static final Setting HTTP_PORT = Setting.integer("http.port", 7071, "HTTP port");
    public static final Setting HTTP_API_KEYS = Setting.text("http.apiKeys", "",
            "Comma-separated API keys; when set, every request needs one (?code= or x-functions-key)");
    public static final Setting HTTP_ALLOW_INSECURE = Setting.bool("http.allowInsecureBind", false,
            "Allow binding to a non-loopback address without API keys");
    public static final Setting HTTP_MAX_REQUEST_BYTES = Setting.integer("http.maxRequestBytes", 4 * 1024 * 1024,
            "Largest accepted request body, in bytes");
    public static final Setting HTTP_PUBLIC_URL = Setting.text("http.publicBaseUrl", "",
            "Base URL of every management link and Location header; set it behind a proxy (without it, links follow"
                    + " each request's Host header, which a client can forge)");
    public static final Setting HTTP_TASK_HUBS = Setting.text("http.taskHubs", "",
            "Comma-separated task hubs the HTTP API serves besides the server's own (taskhub) and those live workers"
                    + " run; others answer 404");
    public static final Setting HTTP_IDLE_TIMEOUT = Setting.seconds("http.idleTimeoutSeconds", 30,
            "How long a connection may stay silent mid-request (a body that stops arriving is answered 408)");
    public static final Setting HTTP_ENABLED = Setting.bool("http.enabled", false,
            "Serve the HTTP API from an embedded Taskhub (taskhub serve always does)");
    public static final Setting GRPC_PORT = Setting.text("grpc.port", "",
            "Durable Task protocol (gRPC) port for the Durable Task SDKs (theirs is 4001; 0 picks a free one);"
            + " empty: not served. On http.host, with http.apiKeys");
    public static final Setting GRPC_WORK_ITEM_TIMEOUT = Setting.seconds("grpc.workItemTimeoutSeconds", 300,
            "How long a Durable Task worker may take to answer a work item before another gets it");
    public static final Setting PLUGINS_PATH = Setting.text("plugins.path", "",
            "A folder of plugin jars, each loaded in a class loader of its own");
    public static final Setting CLIENT_START_TIMEOUT = Setting.seconds("client.startTimeout", 30,
            "How long a start waits for the storage to acknowledge it (then: a timeout error; retrying is safe)");
    public static final Setting WORKER_ORCHESTRATIONS = Setting.integer("worker.orchestrationConcurrency", 8,
            "Orchestration steps processed at once");
    /**
     * 64 on PostgreSQL: a fan-in's results commit in batches of what the activity threads finished meanwhile, so
     * its throughput there follows the threads (a fan-in of 10,000: 1,489 to 2,032 results/s with 16, 1,690 to
     * 2,218 with 32, 2,281 to 2,998 with 64; hello sequences no slower), and idle threads there share their looks for
     * work, so more of them cost an idle server nothing more. On the other backends each idle thread polls (on
     * Azure Storage, billed requests), and SQLite's fan-in passes 3,000 results/s with 16.
     */
    public static final Setting WORKER_ACTIVITIES = Setting.integer("worker.activityConcurrency", 16,
            "Activities run at once (default 16; 64 on postgres)").withDefaultOn("postgres", "64");
    public static final Setting WORKER_LEASE = Setting.seconds("worker.leaseSeconds", 30,
            "Lease on claimed work; a crashed worker's work is retried after it");
    public static final Setting WORKER_CACHE = Setting.integer("worker.cachedInstances", 512,
            "Orchestrations kept live in memory (0 replays every step)");
    public static final Setting WORKER_POISON_LIMIT = Setting.integer("worker.poisonLimit", 10,
            "Attempts before failing work that keeps crashing");
    public static final Setting WORKER_HAND_OFF = Setting.bool("worker.handOff", true,
            "A worker runs the starts made in its process, the activities its steps schedule, and the steps their"
                    + " results bring, itself without claiming them (each still leased, so a crash loses nothing);"
                    + " false stores each for any worker");
    public static final Setting WORKER_FIRST_STEP_BEFORE_STORE = Setting.bool("worker.firstStepBeforeStore", false,
            "A start the worker of its process takes runs its first step before anything is stored, and is stored"
                    + " with it where the backend can (PostgreSQL, SQLite): one commit instead of two, a lower"
                    + " latency. Risk: a first step that ends the process leaves nothing stored, so the poison limit"
                    + " never counts it and each retry of that start ends a process again");
    public static final Setting SAMPLES_ENABLED = Setting.bool("samples.enabled", true,
            "The taskhub command loads the bundled samples (taskhub-samples.jar next to taskhub.jar) as a plugin;"
                    + " embedded, nothing is bundled");
    public static final Setting LOG_FORMAT = Setting.choice("log.format", "text",
            "How the taskhub command writes log lines: text, or json (one object per line); embedded, the host's"
                    + " logging configuration decides", "text", "json");
    public static final Setting LOG_PAYLOADS = Setting.bool("log.payloads", false,
            "Log lines may carry what users sent (a termination's reason); off, they name instances and kinds only");
    public static final Setting TRACING_ENABLED = Setting.bool("tracing.enabled", false,
            "Open OpenTelemetry spans (an instance's creation, steps and activity runs, one trace per instance) on"
                    + " the process's GlobalOpenTelemetry: the OpenTelemetry Java agent's, or one the host registered");
    public static final Setting WORKER_UNKNOWN_NAME_TIMEOUT = Setting.secondsOrNever("worker.unknownNameTimeout",
            "How long work for an orchestrator or activity that no running worker has may wait before it is failed"
                    + " (never: it waits for a worker that has it)");

    public static final List<Setting> ALL = List.of(BACKEND, TASK_HUB, SQLITE_FILE, POSTGRES_URL, POSTGRES_USER,
            POSTGRES_PASSWORD, POSTGRES_SCHEMA, POSTGRES_POOL_SIZE, POSTGRES_SYNCHRONOUS_COMMIT,
            AZURE_CONNECTION_STRING, AZURE_PARTITIONS, AZURE_PARTITION_LEASE, AZURE_POLLING,
            HTTP_HOST, HTTP_PORT, HTTP_API_KEYS, HTTP_ALLOW_INSECURE, HTTP_MAX_REQUEST_BYTES, HTTP_PUBLIC_URL,
            HTTP_TASK_HUBS, HTTP_IDLE_TIMEOUT, HTTP_ENABLED, GRPC_PORT, GRPC_WORK_ITEM_TIMEOUT, PLUGINS_PATH,
            CLIENT_START_TIMEOUT,
            WORKER_ORCHESTRATIONS, WORKER_ACTIVITIES, WORKER_LEASE, WORKER_CACHE, WORKER_POISON_LIMIT,
            WORKER_UNKNOWN_NAME_TIMEOUT, WORKER_HAND_OFF, WORKER_FIRST_STEP_BEFORE_STORE, LOG_FORMAT, LOG_PAYLOADS,
            TRACING_ENABLED, SAMPLES_ENABLED);

    /** The launcher's own variables ({@code bin/taskhub}, {@code ./taskhub}): not settings, so not refused. */
    /** The launcher's name for the settings file (the distribution's bin/taskhub sets it); not a setting. */
    public static final String CONFIG_VARIABLE = "TASKHUB_CONFIG";
    public static final Set<String> LAUNCHER_VARIABLES = Set.of("TASKHUB_JAVA_OPTS", CONFIG_VARIABLE);

    /** Environment variables with this prefix belong to the test tooling, not to Taskhub's settings. */
    private static final String TEST_TOOLING_PREFIX = "TASKHUB_TEST_";

    /** The values given, by key, each checked; a setting not among them has its default on the backend given. */
    private final Map<String, String> given;
    private final Map<String, String> values;

    private Settings(Map<String, String> given) {
        this.given = given;
        String backend = given.getOrDefault(BACKEND.key(), BACKEND.defaultValue());
        Map<String, String> effective = new LinkedHashMap<>();
        ALL.forEach(s -> effective.put(s.key(),
                given.containsKey(s.key()) ? given.get(s.key()) : s.defaultOn(backend)));
        this.values = effective;
    }

    /**
     * Loads the layers in order.
     *
     * @param file        the properties file, or null for {@code ./taskhub.properties} when it exists
     * @param environment the process environment
     * @param flags       settings given on the command line, by key
     */
    public static Settings load(Path file, Map<String, String> environment, Map<String, String> flags) {
        Map<String, Setting> byKey = ALL.stream().collect(Collectors.toMap(Setting::key, s -> s));
        Map<String, String> given = new LinkedHashMap<>();

        Path properties = file != null ? file : Path.of("taskhub.properties");
        if (file != null && !Files.isRegularFile(file)) {
            throw new ConfigurationException("Configuration file " + file + " does not exist.");
        }
        if (Files.isRegularFile(properties)) {
            Properties loaded = new Properties();
            try (Reader reader = Files.newBufferedReader(properties, StandardCharsets.UTF_8)) {
                loaded.load(reader);
            } catch (IOException e) {
                throw new ConfigurationException("Cannot read configuration file " + properties + ": " + e.getMessage());
            }
            for (String key : new TreeSet<>(loaded.stringPropertyNames())) {
                apply(given, setting(byKey, key, properties.toString()), loaded.getProperty(key), properties.toString());
            }
        }
        Map<String, Setting> byVariable = ALL.stream().collect(Collectors.toMap(Setting::environmentVariable, s -> s));
        for (Map.Entry<String, String> variable : new java.util.TreeMap<>(environment).entrySet()) {
            String name = variable.getKey();
            if (!name.startsWith("TASKHUB_") || name.startsWith(TEST_TOOLING_PREFIX)
                    || LAUNCHER_VARIABLES.contains(name)) {
                continue;
            }
            Setting setting = byVariable.get(name);
            if (setting == null) {
                throw new ConfigurationException("Unknown environment variable " + name + "; Taskhub reads "
                        + ALL.stream().map(Setting::environmentVariable).collect(Collectors.joining(", ")) + ".");
            }
            apply(given, setting, variable.getValue(), "environment variable " + name);
        }
        for (Map.Entry<String, String> flag : flags.entrySet()) {
            apply(given, setting(byKey, flag.getKey(), "the command line"), flag.getValue(), "the command line");
        }
        return new Settings(given);
    }

    /**
     * The defaults, overridden by {@code given} (an embedding application's settings): no file and no
     * environment is read, so that what the application says is what it gets.
     */
    public static Settings of(Map<String, String> given) {
        return new Settings(Map.of()).with(given);
    }

    /**
     * These settings, overridden by {@code more}, checked the same way. A setting given to neither has its default
     * on the backend in effect afterwards.
     */
    public Settings with(Map<String, String> more) {
        Map<String, Setting> byKey = ALL.stream().collect(Collectors.toMap(Setting::key, s -> s));
        Map<String, String> copy = new LinkedHashMap<>(given);
        more.forEach((key, value) -> apply(copy, setting(byKey, key, "the settings given"), value,
                "the settings given"));
        return new Settings(copy);
    }

    private static Setting setting(Map<String, Setting> byKey, String key, String source) {
        Setting setting = byKey.get(key);
        if (setting == null) {
            throw new ConfigurationException("Unknown setting '" + key + "' in " + source + "; known settings: "
                    + String.join(", ", byKey.keySet().stream().sorted().toList()) + ".");
        }
        return setting;
    }

    private static void apply(Map<String, String> values, Setting setting, String value, String source) {
        values.put(setting.key(), setting.check(value, source));
    }

    public String get(Setting setting) {
        return values.get(setting.key());
    }

    public int getInt(Setting setting) {
        return Integer.parseInt(get(setting).trim());
    }

    public boolean getBoolean(Setting setting) {
        return Boolean.parseBoolean(get(setting));
    }

    public Duration getDuration(Setting setting) {
        return Duration.ofMillis(Math.round(Double.parseDouble(get(setting).trim()) * 1000));
    }

    /** A {@code secondsOrNever} setting's duration, or null for never. */
    public Duration getDurationOrNever(Setting setting) {
        return Setting.NEVER.equals(get(setting)) ? null : getDuration(setting);
    }

    public List<String> getList(Setting setting) {
        return Arrays.stream(get(setting).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** Every setting with its effective value, passwords and keys masked. */
    public Map<String, String> describe() {
        Map<String, String> shown = new LinkedHashMap<>();
        values.forEach((key, value) -> shown.put(key,
                (key.contains("password") || key.contains("apiKeys") || key.contains("connectionString"))
                        && !value.isEmpty() ? "********" : value));
        return shown;
    }
}
