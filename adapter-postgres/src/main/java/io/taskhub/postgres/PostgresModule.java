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
    private final Object poolMetrics;

    public PostgresModule(PostgresConfig config) {
        this(config, null);
    }

    private PostgresModule(PostgresConfig config, Object poolMetrics) {
        this.config = Objects.requireNonNull(config, "config");
        this.poolMetrics = poolMetrics;
    }

    /**
     * The same, with the connection pool's meters in {@code meterRegistry} (a Micrometer {@code MeterRegistry}, as
     * HikariCP takes it).
     */
    public PostgresModule withPoolMetrics(Object meterRegistry) {
        return new PostgresModule(config, meterRegistry);
    }

    @Provides
    @Singleton
    StorageBackend storageBackend() {
        return PostgresStorageBackend.start(config, poolMetrics);
    }
}
