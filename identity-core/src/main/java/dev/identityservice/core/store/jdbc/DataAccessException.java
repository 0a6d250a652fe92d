package dev.identityservice.core.store.jdbc;

import java.sql.SQLException;

/** A database failure the caller cannot fix; the edge maps it to {@code server_error} and logs it. */
public final class DataAccessException extends RuntimeException {

    public DataAccessException(SQLException cause) {
        super(cause.getMessage(), cause);
    }

    /** Whether the failure is a unique-constraint violation (SQLState class 23505). */
    public boolean isUniqueViolation() {
        return getCause() instanceof SQLException sql && "23505".equals(sql.getSQLState());
    }
}
