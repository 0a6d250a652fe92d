/**
 * Change propagation between instances sharing one database: every committed change to keys, tenants,
 * users, clients or revocations is published as a {@link dev.identityservice.core.change.Change}, and every
 * instance drops or reloads what it holds in memory for it. On PostgreSQL the changes travel by
 * {@code LISTEN/NOTIFY}, with a periodic re-read as the fallback for a missed notification; on H2 (one
 * process) they are delivered in-process through the same interface and the same listeners.
 */
package dev.identityservice.core.change;
