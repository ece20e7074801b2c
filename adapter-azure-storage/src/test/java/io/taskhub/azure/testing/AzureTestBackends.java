package io.taskhub.azure.testing;

import io.taskhub.azure.AzureStorageBackend;
import io.taskhub.azure.AzureStorageConfig;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** Backends for tests: the account of {@link AzuriteServer}, settings suited to tests. */
public final class AzureTestBackends {
    private static AzureStorageBackend shared;

    private AzureTestBackends() {
    }

    /**
     * Test settings: quick polling; partition leases shorter than the default but long enough that a slow,
     * shared machine does not lose them by accident.
     */
    public static AzureStorageConfig.Builder config() {
        return AzureStorageConfig.builder().connectionString(AzuriteServer.connectionString())
                .partitionLeaseDuration(Duration.ofSeconds(15)).partitionRenewInterval(Duration.ofSeconds(3))
                .maxPollingInterval(Duration.ofMillis(250));
    }

    /** One backend shared by the tests of this JVM (each test uses its own task hub); closed at exit. */
    public static synchronized AzureStorageBackend shared() {
        if (shared == null) {
            shared = new AzureStorageBackend(config().build());
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "azure-backend-close"));
        }
        return shared;
    }

    public static AzureStorageBackend create(UnaryOperator<AzureStorageConfig.Builder> settings) {
        return new AzureStorageBackend(settings.apply(config()).build());
    }
}
