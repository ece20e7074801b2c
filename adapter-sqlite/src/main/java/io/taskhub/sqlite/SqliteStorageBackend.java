package io.taskhub.sqlite;

import io.taskhub.ports.rules.TaskHubNames;
import io.taskhub.ports.store.BulkLoader;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.StorageBackend;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded default backend: one SQLite file (WAL mode, durable commits) holding any number of task hubs.
 * Opening it creates the file and applies the migrations.
 */
public final class SqliteStorageBackend implements StorageBackend {
    private final SqliteDatabase db;
    private final java.time.Duration otherProcessPoll;
    private final Map<String, SqliteStore> stores = new ConcurrentHashMap<>();

    public SqliteStorageBackend(SqliteConfig config) {
        this.db = new SqliteDatabase(config);
        this.otherProcessPoll = config.otherProcessPoll();
    }

    @Override
    public String name() {
        return "sqlite";
    }

    @Override
    public OrchestrationStore taskHub(String taskHubName) {
        String name = TaskHubNames.validate(taskHubName);
        return stores.computeIfAbsent(name.toLowerCase(Locale.ROOT), key -> new SqliteStore(name, db, otherProcessPoll));
    }

    @Override
    public java.util.Set<String> liveTaskHubs() {
        long now = Rows.nanos(java.time.Instant.now());
        return db.read(c -> {
            java.util.Set<String> live = new java.util.LinkedHashSet<>();
            try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT coalesce(hub_name, task_hub)"
                    + " FROM workers WHERE expires_at > ? GROUP BY task_hub")) {
                ps.setLong(1, now);
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        live.add(rs.getString(1));
                    }
                }
            }
            return live;
        });
    }

    @Override
    public java.util.Optional<BulkLoader> bulkLoader() {
        return java.util.Optional.of(new SqliteBulkLoader(db));
    }

    @Override
    public void close() {
        db.close();
    }
}
