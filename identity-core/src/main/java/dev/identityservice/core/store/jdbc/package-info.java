/**
 * JDBC implementations of the stores, one per store, for H2 and PostgreSQL alike; the schema is
 * in the Flyway migrations under {@code db/migration}.
 */
package dev.identityservice.core.store.jdbc;
