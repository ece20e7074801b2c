package io.taskhub.sqlite;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.taskhub.ports.store.StorageBackend;

/** Binds the SQLite backend; the file is opened when the backend is first needed, not when the module is built. */
public final class SqliteModule extends AbstractModule {
    private final SqliteConfig config;

    public SqliteModule(SqliteConfig config) {
        this.config = config;
    }

    @Provides
    @Singleton
    StorageBackend storageBackend() {
        return new SqliteStorageBackend(config);
    }
}
