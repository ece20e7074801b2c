package io.taskhub.http;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.taskhub.ports.client.FunctionCatalog;
import io.taskhub.ports.client.TaskhubClients;
import java.util.Objects;

/**
 * Contributes the HTTP server. Needs {@link TaskhubClients} and {@link FunctionCatalog} bindings from elsewhere
 * (the composition root's core module). Building the module and the server does no I/O: the caller starts the server.
 */
public final class HttpModule extends AbstractModule {
    private final HttpConfig config;

    public HttpModule(HttpConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    protected void configure() {
        bind(HttpConfig.class).toInstance(config);
    }

    @Provides
    @Singleton
    TaskhubHttpServer server(HttpConfig httpConfig, TaskhubClients clients, FunctionCatalog functions) {
        return new TaskhubHttpServer(httpConfig, clients, functions);
    }
}
