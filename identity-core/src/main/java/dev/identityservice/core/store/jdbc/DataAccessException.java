package dev.identityservice.core.store.jdbc;

import java.sql.SQLException;

/**
 * A database failure the caller cannot fix. The edge answers {@code 503 temporarily_unavailable} when the database
 * cannot be reached ({@link #isConnectionFailure()}), otherwise {@code server_error}, and logs it.
 */
public final class DataAccessException extends RuntimeException {

    public DataAccessException(SQLException cause) {
        super(cause.getMessage(), cause);
    }

    /**
     * Whether the database could not be reached or dropped the connection, rather than refused a statement:
     * no connection within the pool's timeout, SQLState class 08 (connection exception), 57P01-57P03 (the
     * server is shutting down, terminated the session, or cannot accept connections now), or a socket failure
     * underneath. Such a failure goes away without any change on the caller's side.
     */
    public boolean isConnectionFailure() {
        return isConnectionFailure(getCause());
    }

    /** {@link #isConnectionFailure()} for any throwable and its causes (stores that wrap a {@link SQLException} otherwise). */
    public static boolean isConnectionFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException || t instanceof java.sql.SQLNonTransientConnectionException
                    || t instanceof java.sql.SQLRecoverableException || t instanceof java.net.SocketException
                    || t instanceof java.io.EOFException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().matches("57P0[123]"))) {
                return true;
            }
        }
        return false;
    }

    /** Whether the failure is a unique-constraint violation (SQLState class 23505). */
    public boolean isUniqueViolation() {
        return getCause() instanceof SQLException sql && "23505".equals(sql.getSQLState());
    }
}
