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
        // Metrics are kept where the composition root binds them; without, the metrics route answers 404.
        com.google.inject.multibindings.OptionalBinder.newOptionalBinder(binder(), HttpMetrics.class)
                .setDefault().toInstance(HttpMetrics.NONE);
    }

    @Provides
    @Singleton
    TaskhubHttpServer server(HttpConfig httpConfig, TaskhubClients clients, FunctionCatalog functions,
            HttpMetrics metrics) {
        return new TaskhubHttpServer(httpConfig, clients, functions).withMetrics(metrics);
    }
}
