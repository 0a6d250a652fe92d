package dev.identityservice.core.store.jdbc;

import dev.identityservice.core.audit.AuditEvent;
import dev.identityservice.core.audit.AuditEventQuery;
import dev.identityservice.core.audit.AuditEventStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@link AuditEventStore} on the {@code audit_events} table, the same SQL on H2 and PostgreSQL. */
public final class JdbcAuditEventStore implements AuditEventStore {

    private static final String INSERT = "INSERT INTO audit_events (id, tenant_id, occurred_at, type, actor, subject, "
            + "client_id, address, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String COLUMNS = "id, tenant_id, occurred_at, type, actor, subject, client_id, address, outcome, detail";

    private final Database database;

    public JdbcAuditEventStore(Database database) {
        this.database = database;
    }

    @Override
    public void append(List<AuditEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        database.inTransaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                for (AuditEvent event : events) {
                    insert.setString(1, event.id());
                    insert.setString(2, event.tenantId());
                    Timestamps.set(insert, 3, event.time());
                    insert.setString(4, event.type());
                    insert.setString(5, event.actor());
                    insert.setString(6, event.subject());
                    insert.setString(7, event.client());
                    insert.setString(8, event.address());
                    insert.setString(9, event.outcome());
                    insert.setString(10, event.detail());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            return null;
        });
    }

    @Override
    public List<AuditEvent> find(AuditEventQuery query, int offset, int limit) {
        StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM audit_events WHERE tenant_id = ?");
        List<Object> parameters = new ArrayList<>();
        parameters.add(query.tenantId());
        condition(sql, parameters, "type = ?", query.type());
        condition(sql, parameters, "actor = ?", query.actor());
        condition(sql, parameters, "subject = ?", query.subject());
        condition(sql, parameters, "occurred_at >= ?", query.from());
        condition(sql, parameters, "occurred_at < ?", query.to());
        sql.append(" ORDER BY occurred_at DESC, id DESC OFFSET ? ROWS FETCH NEXT ? ROWS ONLY");
        return database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
                int index = 1;
                for (Object parameter : parameters) {
                    if (parameter instanceof Instant instant) {
                        Timestamps.set(select, index++, instant);
                    } else {
                        select.setString(index++, (String) parameter);
                    }
                }
                select.setInt(index++, offset);
                select.setInt(index, limit);
                List<AuditEvent> events = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        events.add(read(rows));
                    }
                }
                return events;
            }
        });
    }

    private static void condition(StringBuilder sql, List<Object> parameters, String condition, Object value) {
        if (value != null) {
            sql.append(" AND ").append(condition);
            parameters.add(value);
        }
    }

    private static AuditEvent read(ResultSet rows) throws SQLException {
        return new AuditEvent(rows.getString("id"), rows.getString("tenant_id"), Timestamps.get(rows, "occurred_at"),
                rows.getString("type"), rows.getString("actor"), rows.getString("subject"), rows.getString("client_id"),
                rows.getString("address"), rows.getString("outcome"), rows.getString("detail"));
    }
}
