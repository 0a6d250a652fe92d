package dev.identityservice.server.observability;

import dev.identityservice.core.key.KeyRotationListener;
import dev.identityservice.core.token.refresh.RefreshTokenService;
import dev.identityservice.core.logout.BackChannelLogoutSender;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The server's Prometheus metrics. Tags take values from small fixed sets (endpoint class, outcome,
 * grant type, rotation reason, login channel and budget), never from request input, so that a client cannot blow up their number.
 */
public final class ServerMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter loginsFailed = Counter.builder("identity.logins.failed")
            .description("Password logins refused: wrong credentials or throttled").register(registry);
    private final Counter loginsSucceeded = Counter.builder("identity.logins.succeeded")
            .description("Password logins accepted at the login page").register(registry);

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** One request answered by {@code endpoint} with {@code outcome} (success, client_error, server_error, ...). */
    public void request(String endpoint, String outcome) {
        registry.counter("identity.http.requests", "endpoint", endpoint, "outcome", outcome).increment();
    }

    public void tokenIssued(String grantType) {
        registry.counter("identity.tokens.issued", "grant_type", grantType).increment();
    }

    public void loginFailed() {
        loginsFailed.increment();
    }

    /**
     * One password login decided: {@code channel} is {@code token} (password grant) or {@code form} (login page),
     * {@code outcome} is {@code success}, {@code failure} (wrong credentials) or {@code throttled} (refused unhashed).
     */
    public void loginAttempt(String channel, String outcome) {
        registry.counter("identity.login.attempts", "channel", channel, "outcome", outcome).increment();
    }

    /** A login refused because {@code budget} (account_address, address, account, device) was spent. */
    public void loginThrottled(String budget) {
        registry.counter("identity.login.throttled", "budget", budget).increment();
    }

    /** A user signed in at the login page (password grants count as issued tokens instead). */
    public void loginSucceeded() {
        loginsSucceeded.increment();
    }

    /**
     * For the engine builder: a rotated refresh token was presented again. Counted as
     * {@code identity_refresh_reuse_detected_total{outcome="concurrent"|"within_grace"|"family_revoked"}}.
     */
    public RefreshTokenService.ReuseListener reuseListener() {
        return (tenantId, clientId, outcome) -> registry.counter("identity.refresh.reuse.detected",
                "outcome", outcome.name().toLowerCase(java.util.Locale.ROOT)).increment();
    }

    /** For the engine builder: the active signing key changed. */
    public KeyRotationListener rotationListener() {
        return (tenantId, kid, reason) -> registry.counter("identity.key.rotations", "reason", reason.name().toLowerCase(java.util.Locale.ROOT)).increment();
    }

    /**
     * Back-channel logout attempts by outcome (delivered, retrying, abandoned, dropped): the counter
     * {@code identity.backchannel.logouts} (OIDC Back-Channel Logout 1.0 §2.5).
     */
    public BackChannelLogoutSender.Listener logoutListener() {
        return (tenantId, clientId, outcome) -> registry.counter("identity.backchannel.logouts",
                "outcome", outcome.name().toLowerCase(java.util.Locale.ROOT)).increment();
    }

    /** The Prometheus text exposition format. */
    public String scrape() {
        return registry.scrape();
    }
}
