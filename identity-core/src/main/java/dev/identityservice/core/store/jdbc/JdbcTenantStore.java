package dev.identityservice.core.store.jdbc;

import dev.identityservice.core.key.SigningAlgorithm;
import dev.identityservice.core.registration.RegistrationMode;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.tenant.TenantStore;
import java.net.URI;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link TenantStore} on the {@code tenants} table. */
public final class JdbcTenantStore implements TenantStore {

    static final String COLUMNS = "id, issuer, signing_algorithm, rotation_period_seconds, created_at, registration_mode, implicit_and_hybrid_flows";

    private final Database database;

    public JdbcTenantStore(Database database) {
        this.database = database;
    }

    @Override
    public void create(Tenant tenant) {
        try {
            database.withConnection(connection -> {
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO tenants (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                    insert.setString(1, tenant.id());
                    insert.setString(2, tenant.issuer().toString());
                    insert.setString(3, tenant.signingAlgorithm().name());
                    insert.setLong(4, tenant.rotationPeriod().toSeconds());
                    Timestamps.set(insert, 5, tenant.createdAt());
                    insert.setString(6, tenant.registrationMode().name());
                    insert.setBoolean(7, tenant.implicitAndHybridFlows());
                    return insert.executeUpdate();
                }
            });
        } catch (DataAccessException e) {
            if (e.isUniqueViolation()) {
                throw new IllegalStateException("tenant '" + tenant.id() + "' already exists");
            }
            throw e;
        }
    }

    @Override
    public void update(Tenant tenant) {
        int updated = database.withConnection(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE tenants SET issuer = ?, signing_algorithm = ?, rotation_period_seconds = ?, registration_mode = ?, implicit_and_hybrid_flows = ? WHERE id = ?")) {
                update.setString(1, tenant.issuer().toString());
                update.setString(2, tenant.signingAlgorithm().name());
                update.setLong(3, tenant.rotationPeriod().toSeconds());
                update.setString(4, tenant.registrationMode().name());
                update.setBoolean(5, tenant.implicitAndHybridFlows());
                update.setString(6, tenant.id());
                return update.executeUpdate();
            }
        });
        if (updated == 0) {
            throw new IllegalStateException("tenant '" + tenant.id() + "' does not exist");
        }
    }

    @Override
    public Optional<Tenant> find(String id) {
        return database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM tenants WHERE id = ?")) {
                select.setString(1, id);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(read(rows)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<Tenant> list() {
        return database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM tenants ORDER BY id");
                 ResultSet rows = select.executeQuery()) {
                List<Tenant> tenants = new ArrayList<>();
                while (rows.next()) {
                    tenants.add(read(rows));
                }
                return tenants;
            }
        });
    }

    /** The tenant in a row holding {@link #COLUMNS}. */
    static Tenant read(ResultSet row) throws SQLException {
        return new Tenant(row.getString("id"), URI.create(row.getString("issuer")),
                SigningAlgorithm.parse(row.getString("signing_algorithm")),
                Duration.ofSeconds(row.getLong("rotation_period_seconds")), Timestamps.get(row, "created_at"),
                RegistrationMode.valueOf(row.getString("registration_mode")), row.getBoolean("implicit_and_hybrid_flows"));
    }
}
