package dev.identityservice.core.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's connection pool, migrated to the current schema when opened, and the one way
 * to run work in a transaction.
 */
public final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    /** The connection of this thread's {@link #inOneTransaction}, which every store call on the thread joins. */
    private final ThreadLocal<Connection> shared = new ThreadLocal<>();
    /** What runs once this thread's {@link #inOneTransaction} has committed. */
    private final ThreadLocal<java.util.List<Runnable>> afterCommit = new ThreadLocal<>();

    private final HikariDataSource dataSource;
    private final DatabaseConfig config;

    private Database(HikariDataSource dataSource, DatabaseConfig config) {
        this.dataSource = dataSource;
        this.config = config;
    }

    /** The pool's name, the {@code pool} tag of its metrics. */
    public static final String POOL_NAME = "identity-db";

    /**
     * The version of the newest migration in {@code db/migration}; a test keeps it equal to the files.
     * A database already at it starts without loading Flyway, which is half a second of every start.
     */
    public static final String SCHEMA_VERSION = "17";

    /** Opens the pool and applies the Flyway migrations in {@code db/migration} unless the schema is current. */
    public static Database open(DatabaseConfig config) {
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(config.jdbcUrl());
        hikari.setUsername(config.username());
        hikari.setPassword(config.password());
        hikari.setMaximumPoolSize(config.maxPoolSize());
        hikari.setMinimumIdle(Math.min(2, config.maxPoolSize()));
        hikari.setPoolName(POOL_NAME);
        hikari.setConnectionTimeout(config.connectionTimeout().toMillis());
        // A pooled connection is checked before it is handed out when it sat idle; the check must fit in the bound.
        hikari.setValidationTimeout(Math.max(DatabaseConfig.MIN_CONNECTION_TIMEOUT.toMillis(), config.connectionTimeout().toMillis() / 2));
        hikari.setInitializationFailTimeout(10_000);
        HikariDataSource dataSource = new HikariDataSource(hikari);
        try {
            if (!isAtSchemaVersion(dataSource, SCHEMA_VERSION)) {
                Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
            }
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        return new Database(dataSource, config);
    }

    /** Whether Flyway's history says the last successful migration is {@code version}; false when it has none. */
    static boolean isAtSchemaVersion(DataSource dataSource, String version) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1");
             ResultSet row = select.executeQuery()) {
            return row.next() && version.equals(row.getString(1));
        } catch (SQLException noHistoryYet) {
            return false;
        }
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** What this pool connects to. */
    public DatabaseConfig config() {
        return config;
    }

    /** Whether this is PostgreSQL, which several instances may share; otherwise H2, which one process owns. */
    public boolean isPostgres() {
        return config.jdbcUrl().startsWith("jdbc:postgresql:");
    }

    /**
     * A new connection outside the pool, for a long-lived use such as {@code LISTEN}, which would otherwise
     * hold a pooled connection for ever. The caller closes it.
     */
    public Connection openDedicatedConnection() throws SQLException {
        return DriverManager.getConnection(config.jdbcUrl(), config.username(), config.password());
    }

    /**
     * Runs {@code job} unless another instance sharing this database is running the job of the same name:
     * on PostgreSQL under a session advisory lock (keyed by schema and name, held for the job's duration on a
     * dedicated connection, so that a pool of one cannot deadlock against the job's own queries; released
     * even if the holder dies, because its session ends); on H2 the database file belongs to one process, so
     * the job just runs. A job that throws is logged; the next run retries.
     *
     * @return whether the job ran here
     */
    public boolean runAlone(String name, Runnable job) {
        if (!isPostgres()) {
            runLogged(name, job);
            return true;
        }
        try (Connection connection = openDedicatedConnection();
             PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_lock(hashtext(current_schema() || ':' || ?))")) {
            lock.setString(1, name);
            try (ResultSet acquired = lock.executeQuery()) {
                if (!acquired.next() || !acquired.getBoolean(1)) {
                    return false;
                }
            }
            try {
                runLogged(name, job);
            } finally {
                try (PreparedStatement unlock = connection.prepareStatement("SELECT pg_advisory_unlock(hashtext(current_schema() || ':' || ?))")) {
                    unlock.setString(1, name);
                    unlock.execute();
                }
            }
            return true;
        } catch (SQLException e) {
            LOG.warn("Job {} skipped: its lock could not be taken ({})", name, e.getMessage());
            return false;
        }
    }

    private static void runLogged(String name, Runnable job) {
        try {
            job.run();
        } catch (RuntimeException e) {
            LOG.error("Job {} failed; it runs again at its next interval", name, e);
        }
    }

    /** Work that needs a connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. Inside
     * {@link #inOneTransaction}, on that thread, it joins the surrounding transaction instead.
     */
    public <T> T inTransaction(Work<T> work) {
        Connection joined = shared.get();
        if (joined != null) {
            return runJoined(joined, work);
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                commit(connection);
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }

    /**
     * Runs {@code work} on an auto-commit connection (one statement, or reads). Inside
     * {@link #inOneTransaction}, on that thread, it runs in the surrounding transaction instead.
     */
    public <T> T withConnection(Work<T> work) {
        Connection joined = shared.get();
        if (joined != null) {
            return runJoined(joined, work);
        }
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }

    /**
     * Runs {@code job} so that every store call it makes on this thread ({@link #inTransaction},
     * {@link #withConnection}) shares one transaction: all of its writes are committed when it returns, and
     * none when it throws, whichever store wrote them. For a batch of writes through several stores that must
     * apply entirely or not at all (the {@code --import} file). Calls on other threads are not part of it; a
     * nested call joins the outer transaction.
     *
     * @throws DataAccessException when the database fails (then nothing of {@code job} is committed)
     */
    public <T> T inOneTransaction(java.util.function.Supplier<T> job) {
        if (shared.get() != null) {
            return job.get();
        }
        java.util.List<Runnable> committed = new java.util.ArrayList<>();
        T result;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            shared.set(connection);
            afterCommit.set(committed);
            try {
                result = job.get();
                commit(connection);
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                shared.remove();
                afterCommit.remove();
            }
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
        // After the connection went back to the pool: an action may need one of its own (a pool of one).
        committed.forEach(Runnable::run);
        return result;
    }

    /**
     * Runs {@code action} once what this thread wrote is committed: after its {@link #inOneTransaction} commits
     * (never if it rolls back), or at once outside one (each statement there commits by itself). For telling other
     * parties about a write only when they can read it.
     */
    public void afterCommit(Runnable action) {
        java.util.List<Runnable> pending = afterCommit.get();
        if (pending == null) {
            action.run();
        } else {
            pending.add(action);
        }
    }

    /**
     * Commits, or refuses to when PostgreSQL has aborted the transaction: a statement of it failed and the work went
     * on (it caught the failure), so {@code commit()} would roll everything back without a word and the caller would
     * believe it written (and run its {@link #afterCommit} actions on what never was).
     *
     * @throws DataAccessException when the transaction was aborted (it is rolled back)
     */
    private static void commit(Connection connection) throws SQLException {
        if (connection.isWrapperFor(BaseConnection.class)
                && connection.unwrap(BaseConnection.class).getTransactionState() == TransactionState.FAILED) {
            throw new DataAccessException(new SQLException("a statement of this transaction failed and PostgreSQL "
                    + "aborted it: nothing of it is committed"));
        }
        connection.commit();
    }

    private static <T> T runJoined(Connection connection, Work<T> work) {
        try {
            return work.run(connection);
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }

    /**
     * Publishes the pool's metrics ({@code hikaricp_connections*}, tagged {@code pool="identity-db"}) to
     * {@code meterRegistry}, a Micrometer {@code MeterRegistry} (typed {@code Object} as in HikariCP, so that the
     * core needs no Micrometer). Once per pool; {@link IllegalStateException} on a second call.
     */
    public void publishMetricsTo(Object meterRegistry) {
        dataSource.setMetricRegistry(meterRegistry);
    }

    /** Whether the database answers a trivial query within {@code timeoutSeconds}. */
    public boolean isReachable(int timeoutSeconds) {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(timeoutSeconds);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
