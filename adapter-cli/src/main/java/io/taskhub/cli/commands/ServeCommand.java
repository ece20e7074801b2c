package io.taskhub.cli.commands;

import io.taskhub.cli.ExitCodes;
import io.taskhub.cli.TaskhubCli;
import io.taskhub.cli.assembly.Deployment;
import io.taskhub.cli.config.ConfigurationException;
import io.taskhub.cli.config.Settings;
import io.taskhub.http.TaskhubHttpServer;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "serve", description = "Run the worker and the HTTP management API until stopped (Ctrl+C, SIGTERM).",
        footer = {"%nExamples:", "  taskhub serve",
            "  taskhub serve --port 8080 --backend postgres --set postgres.url=jdbc:postgresql://db:5432/app"})
public final class ServeCommand implements Callable<Integer> {
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(30);

    @Mixin
    CommonOptions common;

    @Option(names = "--port", paramLabel = "PORT", description = "HTTP port (default 7071; 0 picks a free one).")
    Integer port;

    @Option(names = "--host", paramLabel = "ADDRESS", description = "Address to bind (default 127.0.0.1).")
    String host;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (port != null) {
            common.settings.put(Settings.HTTP_PORT.key(), String.valueOf(port));
        }
        if (host != null) {
            common.settings.put(Settings.HTTP_HOST.key(), host);
        }
        PrintWriter out = spec.commandLine().getOut();
        TaskhubCli cli = (TaskhubCli) spec.root().commandLine().getCommand();
        Settings settings = common.settings(cli.environment());
        Deployment deployment = Deployment.assemble(settings, ServeCommand.class.getClassLoader());
        CountDownLatch stopped = new CountDownLatch(1);
        TaskhubHttpServer server;
        try {
            deployment.startWorker();
            server = startHttp(deployment);
        } catch (RuntimeException e) {
            deployment.close();
            throw e;
        }
        Thread shutdown = new Thread(() -> {
            out.println("Stopping: finishing work in progress (up to " + SHUTDOWN_GRACE.toSeconds() + " s)...");
            out.flush();
            server.stop();
            deployment.close();
            stopped.countDown();
        }, "taskhub-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        out.println("Taskhub is serving " + server.localBaseUrl() + "/runtime/webhooks/durabletask");
        out.println("  backend:        " + describeBackend(settings));
        out.println("  task hub:       " + deployment.clients().defaultTaskHub());
        out.println("  orchestrations: " + String.join(", ", deployment.registry().orchestratorNames()));
        out.println("Try: curl -X POST " + server.localBaseUrl() + "/api/orchestrators/E1_HelloSequence");
        out.flush();
        cli.serverStarted(server.localBaseUrl());
        stopped.await();
        return ExitCodes.SUCCESS;
    }

    /**
     * An address that cannot be served (in use, not this machine's, or open without keys) is a matter of
     * configuration: exit 5 with the settings to change, never a stack trace.
     */
    private static TaskhubHttpServer startHttp(Deployment deployment) {
        TaskhubHttpServer server = deployment.httpServer();
        try {
            return server.start();
        } catch (TaskhubHttpServer.BindRefused e) {
            String settings = switch (e.reason()) {
                case INSECURE -> Settings.HTTP_API_KEYS.key() + ", " + Settings.HTTP_HOST.key() + " or "
                        + Settings.HTTP_ALLOW_INSECURE.key();
                case ADDRESS_UNAVAILABLE -> Settings.HTTP_PORT.key() + " (--port) or " + Settings.HTTP_HOST.key();
            };
            throw new ConfigurationException(e.getMessage() + " Change " + settings + ".");
        }
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
