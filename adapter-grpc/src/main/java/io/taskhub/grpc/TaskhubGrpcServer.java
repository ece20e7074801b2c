package io.taskhub.grpc;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.taskhub.ports.client.TaskhubClients;
import io.taskhub.ports.remote.RemoteWorkers;
import io.taskhub.ports.security.ApiKeys;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Durable Task protocol's server ({@code TaskHubSidecarService}) over gRPC on Netty: what the Durable Task SDKs
 * connect to. Constructing it does no I/O; {@link #start()} binds, after refusing an open bind (a non-loopback
 * address without API keys, unless explicitly allowed), as the HTTP API does.
 */
public final class TaskhubGrpcServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskhubGrpcServer.class);

    private final GrpcConfig config;
    private final TaskhubClients clients;
    private final ApiKeys keys;
    private final WorkItemDispatcher dispatcher = new WorkItemDispatcher();
    private Server server;

    public TaskhubGrpcServer(GrpcConfig config, TaskhubClients clients) {
        this.config = Objects.requireNonNull(config, "config");
        this.clients = Objects.requireNonNull(clients, "clients");
        this.keys = new ApiKeys(config.apiKeys());
    }

    /**
     * Binds and starts serving.
     *
     * @throws IllegalStateException when the bind would be open to anyone, or the address cannot be bound
     */
    public synchronized TaskhubGrpcServer start() {
        if (server != null) {
            return this;
        }
        try {
            if (ApiKeys.exposesOpenApi(config.host(), keys.required(), config.allowInsecureBind())) {
                throw new IllegalStateException("Refusing to serve the Durable Task protocol on " + config.host()
                        + " without API keys: anyone who can reach it could start, terminate and purge instances."
                        + " Configure at least one API key, bind to 127.0.0.1, or explicitly allow an insecure bind.");
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException("gRPC host '" + config.host() + "' cannot be resolved.", e);
        }
        SidecarService service = new SidecarService(clients, dispatcher);
        Server built = NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), config.port()))
                .addService(ServerInterceptors.intercept(service, new CallScope(keys)))
                // Workers hold a stream open for as long as they run: keep it alive through idle proxies, and
                // accept the SDKs' own keep-alive pings.
                .keepAliveTime(30, TimeUnit.SECONDS)
                .permitKeepAliveTime(10, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .build();
        try {
            built.start();
        } catch (IOException e) {
            throw new IllegalStateException("Could not serve the Durable Task protocol on " + config.host() + ":"
                    + config.port() + ": " + e.getMessage(), e);
        }
        server = built;
        LOG.info("Durable Task protocol (gRPC) listening on {}:{} (task hub {}, API keys {})", config.host(), port(),
                clients.defaultTaskHub(), keys.required() ? "required" : "off");
        return this;
    }

    /**
     * The workers of {@code taskHub} connected to this server (null: the default task hub), for that hub's engine
     * worker to hand them the work whose names this process does not run ({@code TaskhubWorker.withRemoteWorkers}).
     */
    public RemoteWorkers remoteWorkers(String taskHub) {
        return dispatcher.forTaskHub(clients.forTaskHub(taskHub).taskHub());
    }

    /** The bound port (useful with port 0). */
    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("The gRPC server is not started.");
        }
        return server.getPort();
    }

    public GrpcConfig config() {
        return config;
    }

    /** Stops taking calls, lets running ones end for a few seconds, then ends the rest (workers reconnect). */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        server.shutdown();
        dispatcher.closeAll(); // the streams would hold the shutdown for ever
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
                server.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        server = null;
    }

    @Override
    public void close() {
        stop();
    }
}
