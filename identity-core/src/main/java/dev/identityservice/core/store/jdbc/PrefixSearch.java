package dev.identityservice.core.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * A "starts with" condition on a key column (already case-mapped by the caller) that a B-tree index serves on
 * H2 and PostgreSQL alike: a range {@code key >= prefix AND key < successor(prefix)}, which both planners turn
 * into an index range, plus {@code LIKE 'prefix%'} as the exact test. A bare {@code LIKE ?} is not enough:
 * PostgreSQL uses an index for it only with a literal pattern and a "C" (or pattern-ops) index, and compares
 * text by the database's collation, in which the strings starting with a prefix need not be one range.
 *
 * <p>So the range is taken in an order where they are one range: on PostgreSQL {@code COLLATE "C"} (UTF-8
 * bytes, that is code point order), served by the {@code ... COLLATE "C"} indexes of schema version 12; on
 * H2 its default binary comparison of Java strings (UTF-16 code units), served by the plain key index.
 *
 * @param sql      the condition, with three parameters (or one when the prefix has no successor)
 * @param orderBy  the matching order, which the same index delivers
 * @param prefix   the prefix in key form
 * @param upper    the smallest string greater than every string starting with {@code prefix}, or null
 */
record PrefixSearch(String sql, String orderBy, String prefix, String upper) {

    /** The condition on {@code column} for keys starting with {@code prefix} (non-empty), on this database. */
    static PrefixSearch on(Database database, String column, String prefix) {
        if (prefix.isEmpty()) {
            throw new IllegalArgumentException("the prefix must not be empty");
        }
        boolean postgres = database.isPostgres();
        String ordered = postgres ? column + " COLLATE \"C\"" : column;
        String upper = postgres ? codePointSuccessor(prefix) : charSuccessor(prefix);
        String like = column + " LIKE ? ESCAPE '\\'";
        String sql = upper == null ? like : ordered + " >= ? AND " + ordered + " < ? AND " + like;
        return new PrefixSearch(sql, ordered, prefix, upper);
    }

    /** Binds the parameters of {@link #sql} from {@code first} on; answers the next index. */
    int bind(PreparedStatement statement, int first) throws SQLException {
        int i = first;
        if (upper != null) {
            statement.setString(i++, prefix);
            statement.setString(i++, upper);
        }
        statement.setString(i++, prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        return i;
    }

    /** Binds a condition's parameters (none, for a page without condition) from {@code first} on; answers the next index. */
    @FunctionalInterface
    interface Binder {
        int bind(PreparedStatement statement, int first) throws SQLException;
    }

    /** The prefix with its last code point incremented (dropping trailing U+10FFFF); null when none is left. */
    static String codePointSuccessor(String prefix) {
        int[] points = prefix.codePoints().toArray();
        for (int n = points.length; n > 0; n--) {
            int last = points[n - 1];
            if (last < Character.MAX_CODE_POINT) {
                // Surrogate code points are not text: the next one after U+D7FF is U+E000.
                points[n - 1] = last == 0xD7FF ? 0xE000 : last + 1;
                return new String(points, 0, n);
            }
        }
        return null;
    }

    /** The prefix with its last UTF-16 unit incremented (dropping trailing U+FFFF units); null when none is left. */
    static String charSuccessor(String prefix) {
        char[] units = prefix.toCharArray();
        for (int n = units.length; n > 0; n--) {
            if (units[n - 1] != Character.MAX_VALUE) {
                units[n - 1]++;
                return new String(units, 0, n);
            }
        }
        return null;
    }
}
