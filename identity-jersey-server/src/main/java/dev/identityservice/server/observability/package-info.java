/**
 * What operators watch: Prometheus metrics ({@link dev.identityservice.server.observability.ServerMetrics}
 * at {@code /metrics}), liveness and readiness ({@code /health}), and an access log that never holds a
 * secret ({@link dev.identityservice.server.observability.AccessLog}).
 */
package dev.identityservice.server.observability;
