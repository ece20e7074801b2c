package io.taskhub.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.data.tables.models.ListEntitiesOptions;
import io.taskhub.azure.testing.AzureTestBackends;
import io.taskhub.azure.testing.AzuriteServer;
import io.taskhub.ports.store.OrchestrationStore;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Partition leases between two workers of one task hub: fair shares, and a graceful hand-over on close. */
class AzurePartitionBalancingTest {

    @Test
    void aSecondWorker_stealsItsFairShare_andTakesEverythingWhenTheFirstClosesGracefully() {
        String taskHub = "pb" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        AzureStorageBackend first = AzureTestBackends.create(b -> b.workerId("first").partitionCount(6)
                .partitionLeaseDuration(Duration.ofMinutes(5)).partitionRenewInterval(Duration.ofSeconds(1)));
        AzureStorageBackend second = AzureTestBackends.create(b -> b.workerId("second").partitionCount(6)
                .partitionLeaseDuration(Duration.ofMinutes(5)).partitionRenewInterval(Duration.ofSeconds(1)));
        OrchestrationStore a = first.taskHub(taskHub);
        OrchestrationStore b = second.taskHub(taskHub);
        TableClient leases = new TableServiceClientBuilder().connectionString(AzuriteServer.connectionString())
                .buildClient().getTableClient(taskHub + "Partitions");
        try {
            a.createTaskHubIfNotExists();
            a.claimOrchestrationWorkItem("a", Duration.ofSeconds(30), 10); // takes part from now on
            assertThat(owners(leases).values()).hasSize(6).containsOnly("first");

            b.claimOrchestrationWorkItem("b", Duration.ofSeconds(30), 10);

            Awaitility.await("three partitions each").atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> owners(leases).values().stream().filter("second"::equals).count() == 3
                            && owners(leases).values().stream().filter("first"::equals).count() == 3);

            first.close(); // hands its partitions over: the leases are five minutes, so expiry cannot be it

            Awaitility.await("everything handed over").atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> owners(leases).size() == 6
                            && owners(leases).values().stream().allMatch("second"::equals));
        } finally {
            first.close();
            b.deleteTaskHub();
            second.close();
        }
    }

    private static Map<String, String> owners(TableClient leases) {
        Map<String, String> owners = new TreeMap<>();
        leases.listEntities(new ListEntitiesOptions().setFilter("PartitionKey eq 'partition'"), null, null)
                .forEach(row -> {
                    if (row.getProperty("Owner") != null) {
                        owners.put(row.getRowKey(), row.getProperty("Owner").toString());
                    }
                });
        return owners;
    }
}
