/**
 * The audit event log of the server: {@link dev.identityservice.server.audit.AuditLog} is the one place that
 * turns what happened (sign-ins, throttling, token failures, refresh-token reuse, administration, key changes)
 * into an {@link dev.identityservice.core.audit.AuditEvent}, a line on logger {@code dev.identityservice.audit}
 * and a row, written off the request thread by {@link dev.identityservice.server.audit.AuditWriter}.
 */
package dev.identityservice.server.audit;
