/**
 * The audit event log: what happened to whom, by whom and from where (sign-ins, throttling, token failures,
 * refresh-token reuse, administration, key changes), as typed rows kept for a retention period. The server
 * decides what to record; this package is the value, the query and the store.
 */
package dev.identityservice.core.audit;
