package dev.identityservice.core.store.jdbc;

import dev.identityservice.core.login.AttemptBudget;
import dev.identityservice.core.login.LoginAttemptStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * {@link LoginAttemptStore} on the {@code login_attempts} table, with the same SQL on H2 and PostgreSQL.
 *
 * <p>A reservation is a conditional {@code UPDATE} of the bucket's row (which locks it until commit), or an
 * {@code INSERT} when the bucket is new; an insert that loses a race to a concurrent one (unique violation)
 * is undone to a savepoint and becomes the update. The count read back under the row lock is therefore
 * exact across threads and instances. No {@code ON CONFLICT} or {@code MERGE}: H2 lacks the former and
 * PostgreSQL's {@code MERGE} raises the same unique violation under concurrency, so the savepoint is needed
 * either way.
 */
public final class JdbcLoginAttemptStore implements LoginAttemptStore {

    private static final String UNIQUE_VIOLATION = "23505";

    private final Database database;

    public JdbcLoginAttemptStore(Database database) {
        this.database = database;
    }

    @Override
    public Optional<Refusal> reserve(List<AttemptBudget> budgets, Instant at) {
        // Whole milliseconds: the column keeps microseconds and may round a finer instant up, which would move
        // the end of a window past the instant that should restart it.
        Instant now = at.truncatedTo(ChronoUnit.MILLIS);
        Optional<Refusal> refusal = database.inTransaction(connection -> {
            for (AttemptBudget budget : budgets) {
                Window window = take(connection, budget, now);
                if (window.attempts() > budget.limit()) {
                    connection.rollback();
                    return Optional.of(new Refusal(budget, window.expiresAt()));
                }
            }
            return Optional.empty();
        });
        return refusal;
    }

    /**
     * How often one reservation goes round update-or-insert: a row can be created by another attempt (our insert
     * then violates the key) and deleted again by a success's reset before our update, any number of times in
     * theory; a few rounds settle every real interleaving.
     */
    private static final int MAX_ROUNDS = 5;

    private static Window take(Connection connection, AttemptBudget budget, Instant now) throws SQLException {
        Instant restartUntil = now.plus(budget.window());
        for (int round = 1; increment(connection, budget.bucket(), now, restartUntil) == 0; round++) {
            Savepoint beforeInsert = connection.setSavepoint();
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO login_attempts (bucket, attempts, expires_at) VALUES (?, 1, ?)")) {
                insert.setString(1, budget.bucket());
                Timestamps.set(insert, 2, restartUntil);
                insert.executeUpdate();
                return new Window(1, restartUntil);
            } catch (SQLException e) {
                if (!UNIQUE_VIOLATION.equals(e.getSQLState()) || round == MAX_ROUNDS) {
                    throw e;
                }
                // Another attempt created the row first: count on it like every later attempt (the loop's update),
                // unless a success's reset has deleted it again meanwhile (then insert again).
                connection.rollback(beforeInsert);
            }
        }
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT attempts, expires_at FROM login_attempts WHERE bucket = ?")) {
            select.setString(1, budget.bucket());
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return new Window(row.getInt("attempts"), Timestamps.get(row, "expires_at"));
            }
        }
    }

    /** One more attempt, or the first of a new window when the old one has ended; 0 when the row is absent. */
    private static int increment(Connection connection, String bucket, Instant now, Instant restartUntil) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE login_attempts SET attempts = CASE WHEN expires_at <= ? THEN 1 ELSE attempts + 1 END, "
                        + "expires_at = CASE WHEN expires_at <= ? THEN ? ELSE expires_at END WHERE bucket = ?")) {
            Timestamps.set(update, 1, now);
            Timestamps.set(update, 2, now);
            Timestamps.set(update, 3, restartUntil);
            update.setString(4, bucket);
            return update.executeUpdate();
        }
    }

    @Override
    public void release(String bucket) {
        database.withConnection(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE login_attempts SET attempts = attempts - 1 WHERE bucket = ? AND attempts > 0")) {
                update.setString(1, bucket);
                return update.executeUpdate();
            }
        });
    }

    @Override
    public void reset(String bucket) {
        database.withConnection(connection -> {
            // Zeroed, not deleted: a row that vanishes under a concurrent reservation would send it round
            // update-or-insert again; the cleanup deletes the row when its window ends.
            try (PreparedStatement zero = connection.prepareStatement("UPDATE login_attempts SET attempts = 0 WHERE bucket = ?")) {
                zero.setString(1, bucket);
                return zero.executeUpdate();
            }
        });
    }

    @Override
    public void mark(String bucket, Instant at) {
        Instant until = at.truncatedTo(ChronoUnit.MILLIS);
        database.inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE login_attempts SET attempts = 0, expires_at = ? WHERE bucket = ?")) {
                Timestamps.set(update, 1, until);
                update.setString(2, bucket);
                if (update.executeUpdate() == 1) {
                    return null;
                }
            }
            Savepoint beforeInsert = connection.setSavepoint();
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO login_attempts (bucket, attempts, expires_at) VALUES (?, 0, ?)")) {
                insert.setString(1, bucket);
                Timestamps.set(insert, 2, until);
                insert.executeUpdate();
            } catch (SQLException e) {
                if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw e;
                }
                // A concurrent mark of the same bucket won; it says the same thing.
                connection.rollback(beforeInsert);
            }
            return null;
        });
    }

    @Override
    public boolean isMarked(String bucket, Instant now) {
        return database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT 1 FROM login_attempts WHERE bucket = ? AND expires_at > ?")) {
                select.setString(1, bucket);
                Timestamps.set(select, 2, now);
                try (ResultSet row = select.executeQuery()) {
                    return row.next();
                }
            }
        });
    }

    private record Window(int attempts, Instant expiresAt) {
    }
}
