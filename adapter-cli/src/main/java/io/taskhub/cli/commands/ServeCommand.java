package io.taskhub.cli.commands;

import io.taskhub.cli.support.BundledSamples;
import io.taskhub.cli.support.CliContext;
import io.taskhub.cli.support.ExitCodes;
import io.taskhub.ports.client.FunctionCatalog;
import io.taskhub.runtime.Taskhub;
import io.taskhub.runtime.config.Settings;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "serve", description = "Run the worker and the HTTP management API until stopped (Ctrl+C, SIGTERM).",
        footer = {"%nExamples:", "  taskhub serve",
            "  taskhub serve --port 8080 --backend postgres --set postgres.url=jdbc:postgresql://db:5432/app",
            "  taskhub serve --no-http --backend postgres --set postgres.url=jdbc:postgresql://db:5432/app"})
public final class ServeCommand implements Callable<Integer> {
    private static final Duration SHUTDOWN_GRACE = Taskhub.STOP_GRACE;

    @Mixin
    ConfigOptions config;

    @Option(names = "--port", paramLabel = "PORT", description = "HTTP port (default 7071; 0 picks a free one).")
    Integer port;

    @Option(names = "--host", paramLabel = "ADDRESS", description = "Address to bind (default 127.0.0.1).")
    String host;

    @Option(names = "--grpc-port", paramLabel = "PORT", description = "Also serve the Durable Task protocol (gRPC)"
            + " on this port, for the Durable Task SDKs' clients and workers (theirs is 4001; see docs/grpc.md).")
    Integer grpcPort;

    @Option(names = "--no-http", description = "Run a worker only, without the HTTP API: one of several workers that"
            + " share a task hub behind one server (see docs/deployment.md).")
    boolean noHttp;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (port != null) {
            config.settings.put(Settings.HTTP_PORT.key(), String.valueOf(port));
        }
        if (host != null) {
            config.settings.put(Settings.HTTP_HOST.key(), host);
        }
        if (grpcPort != null) {
            config.settings.put(Settings.GRPC_PORT.key(), String.valueOf(grpcPort));
        }
        PrintWriter out = spec.commandLine().getOut();
        CliContext cli = (CliContext) spec.root().userObject();
        Settings settings = config.settings(cli.environment());
        Taskhub.Builder builder = Taskhub.builder().settings(settings).classLoader(ServeCommand.class.getClassLoader());
        BundledSamples.forSettings(settings).forEach(builder::pluginJar);
        Taskhub taskhub = builder.start();
        if (!noHttp) {
            try {
                taskhub.startHttp();
            } catch (RuntimeException e) {
                taskhub.close();
                throw e;
            }
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread shutdown = new Thread(() -> {
            out.println("Stopping: finishing work in progress (up to " + SHUTDOWN_GRACE.toSeconds() + " s)...");
            out.flush();
            taskhub.close();
            stopped.countDown();
        }, "taskhub-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        String url = noHttp ? null : taskhub.httpBaseUrl();
        // One write: a script (or a test) that waits for the first line then finds the whole banner printed.
        List<String> banner = new ArrayList<>();
        banner.add(noHttp ? "Taskhub worker is running (no HTTP API)"
                : "Taskhub is serving " + url + "/runtime/webhooks/durabletask");
        if (!noHttp) {
            banner.add("  dashboard:      " + url + "/");
        }
        if (!settings.get(Settings.GRPC_PORT).isBlank()) {
            banner.add("  durable task:   " + settings.get(Settings.HTTP_HOST) + ":" + taskhub.grpcPort()
                    + " (gRPC, for the Durable Task SDKs)");
        }
        banner.add("  backend:        " + describeBackend(settings));
        banner.add("  task hub:       " + taskhub.client().taskHub());
        banner.add("  orchestrations: " + String.join(", ", taskhub.orchestratorNames()));
        banner.add("  activities:     " + String.join(", ", taskhub.activityNames()));
        describePlugins(taskhub.functions()).forEach(line -> banner.add("  " + line));
        if (!noHttp) {
            banner.add("Try: curl -X POST " + url + "/api/orchestrators/E1_HelloSequence");
        }
        out.print(String.join(System.lineSeparator(), banner) + System.lineSeparator());
        out.flush();
        cli.serverStarted(url);
        stopped.await();
        return ExitCodes.SUCCESS;
    }

    /** One line per plugin source: what it registered, so that an operator sees which jar brought which name. */
    static List<String> describePlugins(List<FunctionCatalog.Function> functions) {
        Map<String, List<FunctionCatalog.Function>> bySource = new LinkedHashMap<>();
        functions.forEach(f -> bySource.computeIfAbsent(f.source(), k -> new ArrayList<>()).add(f));
        List<String> lines = new ArrayList<>();
        bySource.forEach((origin, names) -> {
            List<String> orchestrators = names.stream().filter(f -> f.kind() == FunctionCatalog.Kind.ORCHESTRATOR)
                    .map(FunctionCatalog.Function::name).toList();
            List<String> activities = names.stream().filter(f -> f.kind() == FunctionCatalog.Kind.ACTIVITY)
                    .map(FunctionCatalog.Function::name).toList();
            lines.add("from " + origin + ": orchestrators " + String.join(", ", orchestrators) + "; activities "
                    + String.join(", ", activities));
        });
        return lines;
    }

    private static String describeBackend(Settings settings) {
        String backend = settings.get(Settings.BACKEND);
        return switch (backend) {
            case "sqlite" -> "sqlite (" + settings.get(Settings.SQLITE_FILE) + ")";
            case "postgres" -> "postgres (" + settings.get(Settings.POSTGRES_URL) + ", schema "
                    + settings.get(Settings.POSTGRES_SCHEMA) + ")";
            default -> backend;
        };
    }
}
