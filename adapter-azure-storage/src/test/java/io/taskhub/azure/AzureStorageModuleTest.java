package io.taskhub.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.taskhub.ports.store.StorageBackend;
import org.junit.jupiter.api.Test;

class AzureStorageModuleTest {

    @Test
    void theModuleBindsTheBackend_withoutTouchingStorage() {
        // An endpoint nothing listens on: building the injector and the backend must not connect.
        AzureStorageConfig config = AzureStorageConfig.builder().queueEndpoint("http://127.0.0.1:9/acct")
                .tableEndpoint("http://127.0.0.1:9/acct").accountName("acct").accountKey("a2V5").build();

        Injector injector = Guice.createInjector(new AzureStorageModule(config));
        StorageBackend backend = injector.getInstance(StorageBackend.class);

        assertThat(backend.name()).isEqualTo("azure-storage");
        assertThat(injector.getInstance(StorageBackend.class)).isSameAs(backend);
        assertThat(backend.taskHub("SomeHub").taskHubName()).isEqualTo("SomeHub");
        backend.close();
    }

    @Test
    void theDevelopmentStorageShortcut_isAcceptedWithoutConnecting() {
        AzureStorageBackend backend = new AzureStorageBackend(AzureStorageConfig.builder()
                .connectionString("UseDevelopmentStorage=true").build());

        assertThat(backend.taskHub("SomeHub").taskHubName()).isEqualTo("SomeHub");
        backend.close();
    }
}
