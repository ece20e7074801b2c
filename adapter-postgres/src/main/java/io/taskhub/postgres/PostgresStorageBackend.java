package io.taskhub.postgres;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import io.taskhub.ports.rules.TaskHubNames;
import io.taskhub.ports.store.BulkLoader;
import io.taskhub.ports.store.OrchestrationStore;
import io.taskhub.ports.store.StorageBackend;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Task hubs in one PostgreSQL schema: a connection pool, the schema's tables (migrated at start), and one
 * listening connection whose notifications wake this process's waiting workers.
 */
public final class PostgresStorageBackend implements StorageBackend {
    private final Database db;
    private final NotificationListener listener;
    private final NotificationRelay relay;
    private final RemoteWaiters waiters;
    private final StatusCountFolder counts;
    private final Housekeeping housekeeping;
    private final Map<String, HubSignals> signals = new ConcurrentHashMap<>();
    private final Map<String, PostgresStore> stores = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private PostgresStorageBackend(Database db) {
        this.db = db;
        OwnSenders senders = new OwnSenders();
        this.waiters = new RemoteWaiters(db.config().schema());
        this.listener = new NotificationListener(db.config(), signals::get, this::wakeEverybody, senders, waiters);
        this.relay = new NotificationRelay(db, this::wakeEverybody, listener::dispatch, senders, waiters);
        waiters.sendThrough(relay::publish);
        this.counts = new StatusCountFolder(db);
        this.housekeeping = new Housekeeping(db.config().schema(),
                List.of(new StatisticsKeeper(db)::check, counts::foldQuietly, new DeadRowSweeper(db)::sweepQuietly,
                        new HandOffRecovery(db, relay)::recoverQuietly));
    }

    /**
     * Connects, creates or updates the schema's tables, and starts listening for notifications.
     *
     * @throws io.taskhub.ports.errors.StorageException naming the server and what failed
     */
    public static PostgresStorageBackend start(PostgresConfig config) {
        return start(config, null);
    }

    /** The same, with the connection pool's meters in {@code meterRegistry} (a Micrometer registry), when not null. */
    public static PostgresStorageBackend start(PostgresConfig config, Object meterRegistry) {
        Database db = Database.open(config, meterRegistry);
        PostgresStorageBackend backend = new PostgresStorageBackend(db);
        backend.listener.start();
        backend.housekeeping.start();
        return backend;
    }

    @Override
    public String name() {
        return "postgres";
    }

    public PostgresConfig config() {
        return db.config();
    }

    @Override
    public OrchestrationStore taskHub(String taskHubName) {
        if (closed) {
            throw new IllegalStateException("The PostgreSQL storage backend is closed.");
        }
        String name = TaskHubNames.validate(taskHubName);
        return stores.computeIfAbsent(name, n -> {
            String key = n.toLowerCase(Locale.ROOT);
            HubSignals hub = signals.computeIfAbsent(key, k -> new HubSignals());
            return new PostgresStore(n, key, db, relay, hub, waiters, listener::isConnected);
        });
    }

    @Override
    public Set<String> liveTaskHubs() {
        Tables t = new Tables(db.config().schema());
        Instant now = PgTime.truncate(Instant.now());
        return db.inTransaction(c -> {
            Set<String> live = new LinkedHashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT ON (task_hub)"
                    + " coalesce(hub_name, task_hub) FROM " + t.workers() + " WHERE expires_at > ?"
                    + " ORDER BY task_hub, expires_at DESC")) {
                PgTime.set(ps, 1, now);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        live.add(rs.getString(1));
                    }
                }
            }
            return live;
        });
    }

    @Override
    public Optional<BulkLoader> bulkLoader() {
        return Optional.of(new PostgresBulkLoader(db));
    }

    /** Folds the running counts by status of every hub with more than {@code threshold} rows (for tests). */
    int foldStatusCounts(int threshold) {
        return counts.fold(threshold);
    }

    /** The relay, whose counts tests read. */
    NotificationRelay relay() {
        return relay;
    }

    /** Hub {@code hubKey}'s count of orchestration work heard of (for tests). */
    long orchestrationWorkSeen(String hubKey) {
        HubSignals hub = signals.get(hubKey);
        return hub == null ? 0 : hub.orchestrationWorkSeen();
    }

    /** Whether this backend sends instance notifications now (for tests). */
    boolean sendsInstanceNotifications() {
        return waiters.elsewhere();
    }

    /** Whether the listening connection is up (for tests of what happens when it is not). */
    boolean isListening() {
        return listener.isConnected();
    }

    /** How many listening connections were made so far (tests see a reconnection by it). */
    long listenerConnections() {
        return listener.connections();
    }

    private void wakeEverybody() {
        signals.values().forEach(HubSignals::everything);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        housekeeping.close();
        listener.close();
        relay.close();
        db.close();
    }
}
