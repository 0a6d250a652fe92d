package dev.identityservice.core.change;

import dev.identityservice.core.store.jdbc.DataAccessException;
import dev.identityservice.core.store.jdbc.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Changes between instances through PostgreSQL itself: {@link #publish} sends {@code pg_notify} on a channel
 * named after the schema, and a daemon thread holds one dedicated connection that {@code LISTEN}s on it,
 * polling {@link PGConnection#getNotifications(int)} with a short timeout.
 *
 * <p>Missed notifications are the normal failure, not an exception: PostgreSQL keeps none for a listener that
 * is not connected. So after every (re)connect, and every {@code reconcileInterval} while connected, the
 * subscribers are told {@link Change#everything()} and re-read what they hold. A dropped connection is
 * reopened after {@link #RECONNECT_DELAY}. This instance's own notifications come back to it and are
 * skipped: its subscribers were told synchronously when it published.
 */
public final class PostgresChangeNotifier implements ChangeNotifier {

    /** How long one poll for notifications waits; also how soon {@link #close} is noticed. */
    static final int POLL_MILLIS = 250;
    /** How long to wait before reconnecting after the listening connection failed. */
    public static final Duration RECONNECT_DELAY = Duration.ofSeconds(1);
    /** The longest channel name PostgreSQL keeps (NAMEDATALEN - 1 bytes). */
    private static final int MAX_CHANNEL_CHARS = 63;

    private static final Logger LOG = LoggerFactory.getLogger(PostgresChangeNotifier.class);

    private final Database database;
    private final Duration reconcileInterval;
    private final String instanceId = UUID.randomUUID().toString();
    private final Subscribers subscribers = new Subscribers();
    private volatile String channel;
    private volatile boolean closed;
    private Thread listener;

    /** @param reconcileInterval how often subscribers re-read everything while connected, in case a notification was lost */
    public PostgresChangeNotifier(Database database, Duration reconcileInterval) {
        this.database = Objects.requireNonNull(database, "database");
        this.reconcileInterval = Objects.requireNonNull(reconcileInterval, "reconcileInterval");
        if (!database.isPostgres()) {
            throw new IllegalArgumentException("LISTEN/NOTIFY needs PostgreSQL");
        }
        if (reconcileInterval.isNegative() || reconcileInterval.isZero()) {
            throw new IllegalArgumentException("reconcileInterval must be positive: " + reconcileInterval);
        }
    }

    @Override
    public void publish(Change change) {
        subscribers.tell(change);
        try {
            database.withConnection(connection -> {
                try (PreparedStatement notify = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
                    notify.setString(1, channel(connection));
                    notify.setString(2, instanceId + " " + change.encode());
                    notify.execute();
                }
                return null;
            });
        } catch (DataAccessException e) {
            LOG.warn("Could not notify other instances of {} ({}); they pick it up at their next reconcile", change, e.getMessage());
        }
    }

    @Override
    public void subscribe(Consumer<Change> listener) {
        subscribers.add(listener);
    }

    @Override
    public synchronized void start() {
        if (listener != null || closed) {
            return;
        }
        listener = new Thread(this::listen, "identity-changes");
        listener.setDaemon(true);
        listener.start();
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (listener != null) {
            listener.interrupt();
        }
    }

    private void listen() {
        while (!closed) {
            try (Connection connection = database.openDedicatedConnection()) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN \"" + channel(connection).replace("\"", "\"\"") + "\"");
                }
                PGConnection pg = connection.unwrap(PGConnection.class);
                // Whatever changed while nobody listened is re-read now.
                subscribers.tell(Change.everything());
                long nextReconcile = System.nanoTime() + reconcileInterval.toNanos();
                while (!closed) {
                    PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
                    if (notifications != null) {
                        for (PGNotification notification : notifications) {
                            received(notification.getParameter());
                        }
                    }
                    if (System.nanoTime() - nextReconcile >= 0) {
                        subscribers.tell(Change.everything());
                        nextReconcile = System.nanoTime() + reconcileInterval.toNanos();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    return;
                }
                LOG.warn("Listening for other instances' changes failed ({}); reconnecting in {} ms", e.getMessage(),
                        RECONNECT_DELAY.toMillis());
                try {
                    Thread.sleep(RECONNECT_DELAY.toMillis());
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private void received(String payload) {
        int space = payload.indexOf(' ');
        if (space < 0 || payload.substring(0, space).equals(instanceId)) {
            return;
        }
        Change.decode(payload.substring(space + 1)).ifPresentOrElse(subscribers::tell,
                () -> LOG.warn("Ignored a change notification this version does not understand"));
    }

    /** One channel per schema, so that several installations (or test schemas) in one database do not hear each other. */
    private String channel(Connection connection) throws SQLException {
        String known = channel;
        if (known != null) {
            return known;
        }
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery("SELECT current_schema()")) {
            String schema = row.next() && row.getString(1) != null ? row.getString(1) : "public";
            String name = "identity_changes_" + schema;
            channel = name.length() > MAX_CHANNEL_CHARS ? name.substring(0, MAX_CHANNEL_CHARS) : name;
            return channel;
        }
    }
}
