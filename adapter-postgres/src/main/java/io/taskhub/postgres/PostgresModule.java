package io.taskhub.postgres;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.taskhub.ports.store.StorageBackend;
import java.util.Objects;

/**
 * Binds the PostgreSQL backend. Building the module does no I/O: the backend connects and migrates when it is
 * first injected.
 */
public final class PostgresModule extends AbstractModule {
    private final PostgresConfig config;

    public PostgresModule(PostgresConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Provides
    @Singleton
    StorageBackend storageBackend() {
        return PostgresStorageBackend.start(config);
    }
}
