package io.taskhub.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.taskhub.ports.query.InstanceQuery;
import io.taskhub.ports.store.StorageBackend;
import org.junit.jupiter.api.Test;

class PostgresModuleTest {
    @Test
    void buildingTheModuleAndInjector_doesNoIo() {
        // Nothing listens on port 1: any connection attempt would fail.
        PostgresConfig unreachable = PostgresConfig.of("jdbc:postgresql://127.0.0.1:1/none", "nobody", null);

        Injector injector = Guice.createInjector(new PostgresModule(unreachable));

        assertThat(injector.getBinding(StorageBackend.class)).isNotNull();
    }

    @Test
    void theBoundBackend_isPostgresAndWorks() {
        PostgresTestServer.Server server = PostgresTestServer.get();
        String schemaName;
        try (PostgresSchema schema = PostgresSchema.create()) {
            schemaName = schema.name();
            Injector injector = Guice.createInjector(new PostgresModule(schema.config()));
            StorageBackend backend = injector.getInstance(StorageBackend.class);
            try {
                assertThat(backend.name()).isEqualTo("postgres");
                assertThat(injector.getInstance(StorageBackend.class)).isSameAs(backend);
                assertThat(backend.taskHub("moduleHub").queryInstances(InstanceQuery.all()).instances()).isEmpty();
            } finally {
                backend.close();
            }
        }
        assertThat(server).isNotNull();
        assertThat(schemaName).startsWith("taskhub_test_");
    }
}
