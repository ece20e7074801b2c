package io.taskhub.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.data.tables.models.ListTablesOptions;
import com.azure.storage.queue.QueueServiceClient;
import com.azure.storage.queue.QueueServiceClientBuilder;
import com.azure.storage.queue.models.QueueStorageException;
import io.taskhub.azure.testing.AzuriteServer;
import io.taskhub.ports.store.RawRateProbe;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The storage's own rates that the benchmark reports Taskhub against, measured on Azurite. */
class AzureRawRatesTest {

    @Test
    void theBackendOffersItsProbe() {
        try (AzureStorageBackend backend = new AzureStorageBackend(AzureStorageConfig.builder()
                .connectionString(AzuriteServer.connectionString()).build())) {
            assertThat(backend.rawRateProbe()).containsInstanceOf(AzureRawRates.class);
        }
    }

    @Test
    void measuresMessagesAndTableWrites_onAScratchQueueAndTable_thatItRemoves() {
        QueueServiceClient queues = new QueueServiceClientBuilder()
                .connectionString(AzuriteServer.connectionString()).buildClient();
        TableServiceClient tables = new TableServiceClientBuilder()
                .connectionString(AzuriteServer.connectionString()).buildClient();
        String scratch = "taskhubprobe" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);

        List<RawRateProbe.Rate> rates = new AzureRawRates(queues, tables, scratch).measure(2, Duration.ofMillis(400));

        assertThat(rates).extracting(RawRateProbe.Rate::operation).containsExactly(
                "queue message sent, received and deleted", "table entity written");
        assertThat(rates).allSatisfy(rate -> assertThat(rate.perSecond()).isPositive());
        assertThatThrownBy(() -> queues.getQueueClient(scratch).getProperties()).as("the scratch queue is gone")
                .isInstanceOfSatisfying(QueueStorageException.class, e -> assertThat(e.getStatusCode()).isEqualTo(404));
        assertThat(tables.listTables(new ListTablesOptions().setFilter("TableName eq '" + scratch + "'"), null, null))
                .as("the scratch table is gone").isEmpty();
    }
}
