/**
 * What operators watch: Prometheus metrics ({@link dev.identityservice.server.observability.ServerMetrics}
 * at {@code /metrics}: JVM, pool, Jetty, per-endpoint latency, the server's counters), liveness and readiness
 * ({@link dev.identityservice.server.observability.HealthEndpoint} at {@code /health/live}, {@code /health/ready},
 * {@code /health}, bounded by {@link dev.identityservice.server.observability.DatabaseHealth}), and an access log
 * that never holds a secret ({@link dev.identityservice.server.observability.AccessLog}).
 */
package dev.identityservice.server.observability;
