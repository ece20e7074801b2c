package io.taskhub.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.function.Function;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backend's one listening connection: it LISTENs on the work and instance channels and routes each
 * notification for this backend's schema to the signals of its task hub. When the connection breaks it wakes
 * everybody (notifications may be lost meanwhile; waiters then poll) and reconnects with back-off.
 */
final class NotificationListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NotificationListener.class);
    private static final int RECEIVE_TIMEOUT_MILLIS = 500;
    private static final long MAX_RECONNECT_DELAY_MILLIS = 5_000;

    private final PostgresConfig config;
    /** The signals of a task hub key, or null when this process has no store for that hub. */
    private final Function<String, HubSignals> hubs;
    private final Runnable wakeEverybody;
    /** Whose notifications this process's relay delivered already. */
    private final OwnSenders senders;
    private final Thread thread;
    /** Hears the announcements of waiting processes (handled apart from the hubs' notifications). */
    private final RemoteWaiters waiters;
    private volatile boolean running = true;
    private volatile boolean connected;
    private volatile Connection connection;

    NotificationListener(PostgresConfig config, Function<String, HubSignals> hubs, Runnable wakeEverybody,
            OwnSenders senders, RemoteWaiters waiters) {
        this.config = config;
        this.hubs = hubs;
        this.wakeEverybody = wakeEverybody;
        this.senders = senders;
        this.waiters = waiters;
        this.thread = new Thread(this::run, "taskhub-postgres-listener-" + config.schema());
        thread.setDaemon(true);
    }

    /** Starts listening; returns once the first connection is listening (or has failed, then retries behind). */
    void start() {
        try {
            connect();
        } catch (SQLException e) {
            LOG.warn("Cannot listen for PostgreSQL notifications yet ({}); waiting workers poll until it works.",
                    e.getMessage());
        }
        thread.start();
    }

    private final java.util.concurrent.atomic.AtomicLong connections = new java.util.concurrent.atomic.AtomicLong();

    /** Whether notifications arrive right now; when not, waiters poll more often. */
    boolean isConnected() {
        return connected;
    }

    private void connect() throws SQLException {
        Properties props = Database.driverProperties(config);
        if (config.user() != null) {
            props.setProperty("user", config.user());
        }
        if (config.password() != null) {
            props.setProperty("password", config.password());
        }
        props.setProperty("ApplicationName", "taskhub-listener-" + config.schema());
        Connection c = DriverManager.getConnection(config.jdbcUrl(), props);
        try (Statement st = c.createStatement()) {
            st.execute("LISTEN " + Notices.WORK_CHANNEL);
            st.execute("LISTEN " + Notices.INSTANCE_CHANNEL);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        connection = c;
        // Before anyone can see the connection up: what was sent while nobody listened was lost, so every waiting
        // thread looks, and every holder looks for work when it lets go (the hubs' counts move).
        wakeEverybody.run();
        connected = true;
        connections.incrementAndGet();
        waiters.listening();
    }

    /** How many times a listening connection was made (the first, and each one after a loss). */
    long connections() {
        return connections.get();
    }

    private void run() {
        long delay = 100;
        while (running) {
            try {
                if (connection == null) {
                    connect(); // wakes everybody: whatever was sent while disconnected was lost
                    delay = 100;
                    LOG.info("Listening for PostgreSQL notifications again.");
                }
                PGNotification[] received = connection.unwrap(PGConnection.class)
                        .getNotifications(RECEIVE_TIMEOUT_MILLIS);
                if (received != null) {
                    for (PGNotification n : received) {
                        if (!senders.sentHere(n.getPID()) && !waiters.received(n.getName(), n.getParameter())) {
                            dispatch(n.getName(), n.getParameter());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    break;
                }
                boolean wasConnected = connected;
                disconnect();
                if (wasConnected) {
                    LOG.warn("Lost the PostgreSQL notification connection ({}); reconnecting, workers poll meanwhile.",
                            e.getMessage());
                    wakeEverybody.run();
                }
                sleep(delay);
                delay = Math.min(delay * 2, MAX_RECONNECT_DELAY_MILLIS);
            }
        }
        disconnect();
    }

    /**
     * Parses {@code <schema>/<hub>/<rest>} (see {@link Notices}) and routes it: a notification received, or one
     * this process's relay sent.
     */
    void dispatch(String channel, String payload) {
        int first = payload.indexOf('/');
        int second = first < 0 ? -1 : payload.indexOf('/', first + 1);
        if (second < 0 || !payload.regionMatches(0, config.schema(), 0, first)
                || first != config.schema().length()) {
            return;
        }
        HubSignals hub = hubs.apply(payload.substring(first + 1, second));
        if (hub == null) {
            return;
        }
        String rest = payload.substring(second + 1);
        if (Notices.WORK_CHANNEL.equals(channel)) {
            hub.work(rest);
        } else if (Notices.INSTANCE_CHANNEL.equals(channel)) {
            hub.instance(rest);
        }
    }

    private void disconnect() {
        connected = false;
        waiters.deaf();
        Connection c = connection;
        connection = null;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing a broken connection: nothing more to do
            }
        }
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        disconnect();
    }
}
