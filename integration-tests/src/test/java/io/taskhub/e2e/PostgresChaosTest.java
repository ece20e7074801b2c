package io.taskhub.e2e;

import io.taskhub.postgres.PostgresConfig;
import io.taskhub.postgres.PostgresStorageBackend;
import io.taskhub.postgres.PostgresTestServer;
import io.taskhub.ports.store.StorageBackend;
import java.nio.file.Path;

/**
 * The chaos suite on PostgreSQL: two server processes on one schema of a cluster of the test's own (never the
 * machine's shared server: the suite stops it), with durable commits so that stopping it loses nothing
 * acknowledged.
 */
class PostgresChaosTest extends ChaosContract {
    private PostgresTestServer.OwnCluster cluster;

    @Override
    Storage storage(Path directory) {
        cluster = PostgresTestServer.OwnCluster.start(true);
        return Storage.postgres(config(), cluster::close);
    }

    private PostgresConfig config() {
        return cluster.server().config("chaos").withPoolSize(2);
    }

    @Override
    StorageBackend open(Storage storage) {
        return PostgresStorageBackend.start(config());
    }

    @Override
    Database database() {
        return new Database() {
            @Override
            public void stop() {
                cluster.crashServer();
            }

            @Override
            public void start() {
                cluster.startServer();
            }
        };
    }

    @Override
    String backendName() {
        return "postgres";
    }
}
