package dev.identityservice.core.store.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The columns of a {@code SELECT} list, with each name's position worked out once, so that a wide row is read by
 * column name without asking the driver to find each name. Why: H2 answers {@link ResultSet#getString(String)}
 * by building a map of the result's labels (upper-cased, up to three entries per column) for every result set,
 * which on the 37-column client row and the 31-column user row was about a tenth of a {@code /userinfo}
 * request's CPU. Immutable.
 */
final class SelectList {

    private final String sql;
    private final Map<String, Integer> positions = new HashMap<>();

    /** {@code columns}: plain column names separated by commas, as they appear after {@code SELECT}. */
    SelectList(String columns) {
        this.sql = columns;
        String[] names = columns.split(",");
        for (int i = 0; i < names.length; i++) {
            if (positions.put(names[i].trim(), i + 1) != null) {
                throw new IllegalArgumentException("column named twice: " + names[i].trim());
            }
        }
    }

    /** The list as written, for the {@code SELECT} statement. */
    String sql() {
        return sql;
    }

    /** How many columns the list has. */
    int size() {
        return positions.size();
    }

    /** The current row of {@code result}, a result of a {@code SELECT} of exactly this list. */
    Row row(ResultSet result) {
        return new Row(result);
    }

    private int position(String column) {
        Integer position = positions.get(column);
        if (position == null) {
            throw new IllegalArgumentException("not in the select list: " + column);
        }
        return position;
    }

    /** A row's values by column name; {@link IllegalArgumentException} for a name the list lacks. */
    final class Row {

        private final ResultSet result;

        private Row(ResultSet result) {
            this.result = result;
        }

        String getString(String column) throws SQLException {
            return result.getString(position(column));
        }

        long getLong(String column) throws SQLException {
            return result.getLong(position(column));
        }

        boolean getBoolean(String column) throws SQLException {
            return result.getBoolean(position(column));
        }

        /** A {@code TIMESTAMP WITH TIME ZONE} column as an instant ({@link Timestamps}), {@code null} for SQL NULL. */
        Instant getInstant(String column) throws SQLException {
            return Timestamps.get(result, position(column));
        }
    }
}
