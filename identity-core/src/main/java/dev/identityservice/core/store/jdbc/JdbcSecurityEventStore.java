package dev.identityservice.core.store.jdbc;

import dev.identityservice.core.event.EventStream;
import dev.identityservice.core.event.SecurityEvent;
import dev.identityservice.core.event.SecurityEventStore;
import dev.identityservice.core.event.SecurityEventType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * {@link SecurityEventStore} on {@code security_events}, {@code security_event_streams} and
 * {@code security_event_acks}; the same SQL on H2 and PostgreSQL.
 *
 * <p>A stream has no cursor: an event is pending on it until acknowledged. The sequence of a row is drawn when it
 * is inserted, not when it commits, so a cursor ("everything after seq n") could skip an event committed late by
 * a slow transaction; the anti-join cannot.
 */
public final class JdbcSecurityEventStore implements SecurityEventStore {

    private static final String COLUMNS = "id, seq, tenant_id, event_type, subject_format, subject_id, session_id, "
            + "user_subject, event_timestamp, tokens_expire_by, created_at";
    private static final String INSERT = "INSERT INTO security_events (id, tenant_id, event_type, subject_format, "
            + "subject_id, session_id, user_subject, event_timestamp, tokens_expire_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String PENDING = "SELECT " + COLUMNS + " FROM security_events e WHERE e.tenant_id = ? "
            + "AND NOT EXISTS (SELECT 1 FROM security_event_acks a WHERE a.stream_id = ? AND a.event_id = e.id) "
            + "ORDER BY e.seq FETCH FIRST ? ROWS ONLY";
    private static final String ACK = "INSERT INTO security_event_acks (stream_id, event_id) SELECT ?, e.id FROM security_events e "
            + "WHERE e.id = ? AND e.tenant_id = ? AND NOT EXISTS "
            + "(SELECT 1 FROM security_event_acks a WHERE a.stream_id = ? AND a.event_id = e.id)";
    private static final String STREAM_COLUMNS = "id, tenant_id, client_id, description, created_at, last_polled_at";
    /** SQLSTATE of a unique-key violation, the same on H2 and PostgreSQL. */
    private static final String UNIQUE_VIOLATION = "23505";
    /** The longest event id (a UUID). */
    private static final int MAX_ID_CHARS = 36;

    private final Database database;

    public JdbcSecurityEventStore(Database database) {
        this.database = database;
    }

    @Override
    public void append(SecurityEvent event) {
        database.withConnection(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                insert.setString(1, event.id());
                insert.setString(2, event.tenantId());
                insert.setString(3, event.type().name());
                insert.setString(4, event.subjectFormat());
                insert.setString(5, event.subjectId());
                insert.setString(6, event.sessionId());
                insert.setString(7, event.userSubject());
                Timestamps.set(insert, 8, event.eventTimestamp());
                Timestamps.set(insert, 9, event.tokensExpireBy());
                Timestamps.set(insert, 10, event.createdAt());
                insert.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<SecurityEvent> pending(EventStream stream, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        return database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement(PENDING)) {
                select.setString(1, stream.tenantId());
                select.setString(2, stream.id());
                select.setInt(3, limit);
                List<SecurityEvent> events = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        events.add(event(rows));
                    }
                }
                return events;
            }
        });
    }

    /**
     * One auto-committed insert per id, so that a racing poll acknowledging the same event (a unique violation)
     * costs only its own statement, on PostgreSQL too, where a failed statement would doom a shared transaction.
     */
    @Override
    public void acknowledge(EventStream stream, Collection<String> eventIds) {
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        for (String id : eventIds) {
            if (id != null && !id.isEmpty() && id.length() <= MAX_ID_CHARS) {
                ids.add(id);
            }
        }
        for (String id : ids) {
            try {
                database.withConnection(connection -> {
                    try (PreparedStatement insert = connection.prepareStatement(ACK)) {
                        insert.setString(1, stream.id());
                        insert.setString(2, id);
                        insert.setString(3, stream.tenantId());
                        insert.setString(4, stream.id());
                        return insert.executeUpdate();
                    }
                });
            } catch (DataAccessException e) {
                if (!(e.getCause() instanceof SQLException sql) || !UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                    throw e;
                }
            }
        }
    }

    @Override
    public void createStream(EventStream stream) {
        database.withConnection(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO security_event_streams (" + STREAM_COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, stream.id());
                insert.setString(2, stream.tenantId());
                insert.setString(3, stream.clientId());
                insert.setString(4, stream.description());
                Timestamps.set(insert, 5, stream.createdAt());
                Timestamps.set(insert, 6, stream.lastPolledAt());
                return insert.executeUpdate();
            }
        });
    }

    @Override
    public Optional<EventStream> findStream(String tenantId, String streamId) {
        return database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + STREAM_COLUMNS
                    + " FROM security_event_streams WHERE id = ? AND tenant_id = ?")) {
                select.setString(1, streamId);
                select.setString(2, tenantId);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new EventStream(row.getString("id"), row.getString("tenant_id"), row.getString("client_id"),
                            row.getString("description"), Timestamps.get(row, "created_at"), Timestamps.get(row, "last_polled_at")));
                }
            }
        });
    }

    @Override
    public int countStreams(String tenantId, String clientId) {
        return database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT COUNT(*) FROM security_event_streams WHERE tenant_id = ? AND client_id = ?")) {
                select.setString(1, tenantId);
                select.setString(2, clientId);
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    return row.getInt(1);
                }
            }
        });
    }

    @Override
    public boolean deleteStream(String tenantId, String streamId) {
        return database.inTransaction(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM security_event_streams WHERE id = ? AND tenant_id = ?")) {
                delete.setString(1, streamId);
                delete.setString(2, tenantId);
                return delete.executeUpdate() > 0;
            }
        });
    }

    @Override
    public void touchStream(String streamId, Instant now) {
        database.withConnection(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE security_event_streams SET last_polled_at = ? WHERE id = ?")) {
                Timestamps.set(update, 1, now);
                update.setString(2, streamId);
                return update.executeUpdate();
            }
        });
    }

    @Override
    public boolean deleteLeastRecentlyPolledStream(String tenantId, String clientId, Instant polledBefore) {
        Optional<String> oldest = database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT id FROM security_event_streams "
                    + "WHERE tenant_id = ? AND client_id = ? AND last_polled_at < ? ORDER BY last_polled_at FETCH FIRST 1 ROWS ONLY")) {
                select.setString(1, tenantId);
                select.setString(2, clientId);
                Timestamps.set(select, 3, polledBefore);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(row.getString(1)) : Optional.<String>empty();
                }
            }
        });
        // Another creation racing for the same stream may delete it first: then this one found no room.
        return oldest.isPresent() && deleteStream(tenantId, oldest.get());
    }

    private static SecurityEvent event(ResultSet row) throws SQLException {
        return new SecurityEvent(row.getString("id"), row.getLong("seq"), row.getString("tenant_id"),
                SecurityEventType.valueOf(row.getString("event_type")), row.getString("subject_format"),
                row.getString("subject_id"), row.getString("session_id"), row.getString("user_subject"),
                Timestamps.get(row, "event_timestamp"), Timestamps.get(row, "tokens_expire_by"), Timestamps.get(row, "created_at"));
    }
}
