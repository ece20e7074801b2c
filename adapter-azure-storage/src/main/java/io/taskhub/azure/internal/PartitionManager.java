package io.taskhub.azure.internal;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableEntityUpdateMode;
import io.taskhub.ports.errors.InvalidArgumentException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which partitions (control queues) this process may dequeue from, decided through lease rows in the Partitions
 * table (one per partition: Owner, NextOwner, ExpiresAt, Epoch, Draining), always updated conditionally on the
 * row's ETag so that two workers never both win. Every renew interval each worker: claims free and expired
 * partitions, renews its own, steals from workers that own more than their fair share (by naming itself
 * NextOwner), and hands over partitions others are stealing once its work on them is done (Owner cleared, the
 * stealer claims). On shutdown it hands over everything. This follows the table partition manager of the Durable
 * Task Framework's Azure Storage provider.
 *
 * <p>The epoch grows with every change of owner; work items carry it, so a worker that lost and regained a
 * partition cannot commit work claimed under the old ownership.
 */
final class PartitionManager {
    /** What the dispatcher tells the partition manager, and is told. */
    public interface Listener {
        /** Work items of the partition being processed right now. */
        int inFlight(int partition);

        /** The partition is no longer this worker's (handed over, stolen or expired): drop what is buffered. */
        void released(int partition);
    }

    static final String PARTITION_KEY = "partition";
    private static final String INFO_KEY = "taskhub";
    private static final Logger LOG = LoggerFactory.getLogger(PartitionManager.class);

    private final TableClient table;
    private final int count;
    private final Duration lease;
    private final Duration renewEvery;
    private final String me;
    private final ScheduledExecutorService scheduler;
    private final Listener listener;
    private final Map<Integer, Owned> owned = new ConcurrentHashMap<>();
    private final Set<Integer> draining = ConcurrentHashMap.newKeySet();
    private ScheduledFuture<?> task;
    private volatile boolean stopping;
    private volatile boolean waitingForHandOver;

    private record Owned(long epoch, Instant expiresAt) {
    }

    public PartitionManager(TableClient table, int count, Duration lease, Duration renewEvery, String workerId,
            ScheduledExecutorService scheduler, Listener listener) {
        this.table = table;
        this.count = count;
        this.lease = lease;
        this.renewEvery = renewEvery;
        this.me = workerId;
        this.scheduler = scheduler;
        this.listener = listener;
    }

    /** Creates the lease rows (idempotent) and checks that the task hub has the configured partition count. */
    public static void createRows(TableClient table, String taskHub, int count) {
        try {
            // Read first: inserting rows that exist fails, and the SDK logs each failure as an error.
            Optional<TableEntity> info = TableValues.find(table, INFO_KEY, "info");
            if (info.isEmpty()) {
                insertIfMissing(table, new TableEntity(INFO_KEY, "info").addProperty("PartitionCount", count));
                info = TableValues.find(table, INFO_KEY, "info");
            }
            int existing = info.map(e -> TableValues.intValue(e, "PartitionCount", count)).orElse(count);
            if (existing != count) {
                throw new InvalidArgumentException("Task hub '" + taskHub + "' was created with " + existing
                        + " partitions but partitionCount is " + count + "; the partition count of a task hub"
                        + " cannot change (use " + existing + ", or a new task hub).");
            }
            java.util.Set<String> present = new java.util.HashSet<>();
            table.listEntities(new ListEntitiesOptions().setFilter("PartitionKey eq '" + PARTITION_KEY + "'")
                    .setSelect(List.of("RowKey")), null, null).forEach(row -> present.add(row.getRowKey()));
            for (int p = 0; p < count; p++) {
                if (!present.contains(rowKey(p))) {
                    insertIfMissing(table, new TableEntity(PARTITION_KEY, rowKey(p)).addProperty("Epoch", 0L));
                }
            }
        } catch (InvalidArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            throw StorageErrors.wrap("create the partition leases of task hub " + taskHub, e);
        }
    }

    private static void insertIfMissing(TableClient table, TableEntity row) {
        try {
            table.createEntity(row);
        } catch (RuntimeException e) {
            if (!StorageErrors.isConflict(e)) {
                throw e; // a conflict: another worker created it at the same moment
            }
        }
    }

    /** Takes part in the lease protocol from now on: one round at once, then one per renew interval. */
    public synchronized void start() {
        if (task != null || stopping) {
            return;
        }
        safeTick();
        task = scheduler.schedule(this::round, renewEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One round, then the next: sooner while a hand-over is under way (it holds up the partition's work). */
    private void round() {
        safeTick();
        synchronized (this) {
            if (task != null && !stopping) {
                boolean handingOver = !draining.isEmpty() || waitingForHandOver;
                long delay = handingOver ? Math.min(1000, renewEvery.toMillis()) : renewEvery.toMillis();
                task = scheduler.schedule(this::round, delay, TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Partitions this worker may take new work from, with their epochs. */
    public Map<Integer, Long> claimable() {
        Map<Integer, Long> result = new TreeMap<>();
        owned.forEach((p, o) -> {
            if (!draining.contains(p) && valid(o)) {
                result.put(p, o.epoch());
            }
        });
        return result;
    }

    /** True while this worker owns the partition under {@code epoch}, with a safety margin before expiry. */
    public boolean owns(int partition, long epoch) {
        Owned o = owned.get(partition);
        return o != null && o.epoch() == epoch && valid(o);
    }

    /**
     * True while the partition is this worker's under {@code epoch}, without {@link #owns}'s safety margin: until it
     * is lost or handed over ({@link Listener#released} follows at once).
     */
    public boolean holds(int partition, long epoch) {
        Owned o = owned.get(partition);
        return o != null && o.epoch() == epoch;
    }

    /** True while {@link #holds} and the lease has not run out (renewed in time), without a safety margin. */
    public boolean leased(int partition, long epoch) {
        Owned o = owned.get(partition);
        return o != null && o.epoch() == epoch && Instant.now().isBefore(o.expiresAt());
    }

    public boolean isDraining(int partition) {
        return draining.contains(partition);
    }

    private boolean valid(Owned o) {
        Duration margin = renewEvery.dividedBy(2);
        return Instant.now().isBefore(o.expiresAt().minus(margin));
    }

    private void safeTick() {
        try {
            tick(false);
        } catch (RuntimeException e) {
            LOG.warn("Partition lease round of {} failed; retrying next round: {}", me, e.getMessage());
        }
    }

    /** One round of the protocol; {@code shuttingDown} hands everything over instead of claiming. */
    void tick(boolean shuttingDown) {
        List<TableEntity> rows = new ArrayList<>();
        table.listEntities(new ListEntitiesOptions().setFilter("PartitionKey eq '" + PARTITION_KEY + "'"), null, null)
                .forEach(rows::add);
        Instant now = Instant.now();
        Map<String, List<TableEntity>> othersByOwner = new HashMap<>();
        int mine = 0;
        boolean waiting = false;
        for (TableEntity row : rows) {
            int p = Integer.parseInt(row.getRowKey());
            if (p >= count) {
                continue;
            }
            String owner = TableValues.string(row, "Owner");
            String next = TableValues.string(row, "NextOwner");
            Instant expires = TableValues.instant(row.getProperty("ExpiresAt"));
            // A lease expires when its owner stops renewing; a handed-over partition stays reserved for the
            // stealer until the same time, in case the stealer died meanwhile.
            boolean expired = expires == null || !now.isBefore(expires);
            if (me.equals(owner)) {
                mine += renewOrHandOver(row, p, next, shuttingDown, now) ? 1 : 0;
            } else if (!shuttingDown && (owner == null ? next == null || me.equals(next) || expired : expired)) {
                mine += claim(row, p, now) ? 1 : 0;
            } else {
                lose(p);
                String effective = next != null ? next : owner;
                if (me.equals(effective)) {
                    mine++;
                    waiting = true;
                } else if (effective != null) {
                    othersByOwner.computeIfAbsent(effective, k -> new ArrayList<>()).add(row);
                }
                if (!shuttingDown && owner != null && next == null
                        && Boolean.TRUE.equals(row.getProperty("Draining"))) {
                    steal(row); // its owner is shutting down: queue up as the next owner
                }
            }
        }
        if (!shuttingDown) {
            waiting |= balance(othersByOwner, mine);
        }
        waitingForHandOver = waiting;
    }

    /** @return true while the partition stays this worker's */
    private boolean renewOrHandOver(TableEntity row, int p, String next, boolean shuttingDown, Instant now) {
        long epoch = TableValues.longValue(row, "Epoch", 0);
        boolean handOver = next != null || shuttingDown;
        if (handOver) {
            draining.add(p);
            if (listener.inFlight(p) == 0) {
                Map<String, Object> released = Map.of("Epoch", epoch,
                        "ExpiresAt", TableValues.instant(now.plus(lease)));
                if (write(row, released, TableEntityUpdateMode.REPLACE, next)) {
                    lose(p);
                    LOG.info("{} handed partition {} over to {}", me, p, next == null ? "any worker" : next);
                }
                return false;
            }
        }
        Instant expires = now.plus(lease);
        Map<String, Object> props = new HashMap<>(Map.of("Owner", me, "Epoch", epoch,
                "ExpiresAt", TableValues.instant(expires), "Draining", shuttingDown));
        if (write(row, props, TableEntityUpdateMode.REPLACE, next)) {
            owned.put(p, new Owned(epoch, expires));
        }
        return true;
    }

    private boolean claim(TableEntity row, int p, Instant now) {
        long epoch = TableValues.longValue(row, "Epoch", 0) + 1;
        Instant expires = now.plus(lease);
        Map<String, Object> props = Map.of("Owner", me, "Epoch", epoch, "ExpiresAt", TableValues.instant(expires),
                "Draining", false);
        if (write(row, props, TableEntityUpdateMode.REPLACE, null)) {
            draining.remove(p);
            owned.put(p, new Owned(epoch, expires));
            LOG.info("{} claimed partition {} (epoch {}, previous owner {})", me, p, epoch,
                    TableValues.string(row, "Owner"));
            return true;
        }
        return false;
    }

    private void steal(TableEntity row) {
        Map<String, Object> props = new HashMap<>();
        row.getProperties().forEach((k, v) -> {
            if (k.equals("Owner") || k.equals("Epoch") || k.equals("ExpiresAt") || k.equals("Draining")) {
                props.put(k, v);
            }
        });
        if (write(row, props, TableEntityUpdateMode.REPLACE, me)) {
            LOG.info("{} asked {} to hand over partition {}", me, row.getProperty("Owner"), row.getRowKey());
        }
    }

    /** Steals one partition per round from the busiest worker while this one has less than its fair share. */
    private boolean balance(Map<String, List<TableEntity>> othersByOwner, int mine) {
        if (othersByOwner.isEmpty()) {
            return false;
        }
        int workers = othersByOwner.size() + 1;
        int fair = count / workers;
        String busiest = null;
        int most = 0;
        for (Map.Entry<String, List<TableEntity>> entry : othersByOwner.entrySet()) {
            if (entry.getValue().size() > most) {
                busiest = entry.getKey();
                most = entry.getValue().size();
            }
        }
        boolean below = mine < fair && most > fair;
        boolean uneven = mine >= fair && most > mine + 1;
        if (busiest != null && (below || uneven)) {
            for (TableEntity row : othersByOwner.get(busiest)) {
                if (row.getProperty("NextOwner") == null && busiest.equals(row.getProperty("Owner"))) {
                    steal(row);
                    return true;
                }
            }
        }
        return false;
    }

    private void lose(int p) {
        draining.remove(p);
        if (owned.remove(p) != null) {
            LOG.info("{} no longer owns partition {}", me, p);
            listener.released(p);
        }
    }

    private boolean write(TableEntity row, Map<String, Object> props, TableEntityUpdateMode mode, String next) {
        TableEntity update = new TableEntity(PARTITION_KEY, row.getRowKey()).setProperties(new HashMap<>(props));
        if (next != null) {
            update.addProperty("NextOwner", next);
        }
        try {
            table.updateEntityWithResponse(TableValues.withETag(update, row.getETag()), mode, true, null, null);
            return true;
        } catch (RuntimeException e) {
            if (StorageErrors.isPreconditionFailed(e)) {
                return false; // another worker changed the row first: next round sees its change
            }
            throw e;
        }
    }

    /**
     * Stops taking part. With {@code handOver}, hands over every partition as soon as its work in progress is
     * done (for up to {@code grace}); without, just stops (the task hub is being deleted).
     */
    public void stop(Duration grace, boolean handOver) {
        synchronized (this) {
            stopping = true;
            if (task != null) {
                task.cancel(false);
            }
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (handOver && !owned.isEmpty() && System.nanoTime() < deadline) {
            try {
                tick(true);
            } catch (RuntimeException e) {
                if (StorageErrors.isTableMissing(e)) {
                    break; // the task hub was deleted: there is nothing left to hand over
                }
                LOG.warn("Handing over partitions of {} failed; retrying: {}", me, e.getMessage());
            }
            if (!owned.isEmpty()) {
                sleep(200);
            }
        }
        for (Integer p : List.copyOf(owned.keySet())) {
            lose(p);
        }
        synchronized (this) {
            task = null;
            stopping = false; // a later start (the task hub is used again) may take part again
        }
    }

    static String rowKey(int partition) {
        return String.format(Locale.ROOT, "%02d", partition);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
