package dev.identityservice.core.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Maps {@link Instant} to {@code TIMESTAMP WITH TIME ZONE} columns in UTC, the same way on H2 and PostgreSQL. */
public final class Timestamps {

    private Timestamps() {
    }

    public static void set(PreparedStatement statement, int index, Instant instant) throws SQLException {
        if (instant == null) {
            statement.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            statement.setObject(index, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
        }
    }

    public static Instant get(ResultSet resultSet, String column) throws SQLException {
        OffsetDateTime value = resultSet.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /** As {@link #get(ResultSet, String)}, for the column at {@code position} (1-based). */
    public static Instant get(ResultSet resultSet, int position) throws SQLException {
        OffsetDateTime value = resultSet.getObject(position, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
