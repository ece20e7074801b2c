package io.taskhub.azure;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.taskhub.ports.store.StorageBackend;

/** Binds the Azure Storage backend; building the module or the injector does no I/O. */
public final class AzureStorageModule extends AbstractModule {
    private final AzureStorageConfig config;

    public AzureStorageModule(AzureStorageConfig config) {
        this.config = java.util.Objects.requireNonNull(config, "config");
    }

    @Override
    protected void configure() {
        bind(AzureStorageConfig.class).toInstance(config);
    }

    @Provides
    @Singleton
    StorageBackend storageBackend(AzureStorageConfig settings) {
        return new AzureStorageBackend(settings);
    }
}
