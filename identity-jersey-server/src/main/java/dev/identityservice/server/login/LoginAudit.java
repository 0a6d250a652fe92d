package dev.identityservice.server.login;

import dev.identityservice.server.observability.ServerMetrics;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail of password logins: one structured line per failed login, throttle refusal, lockout and
 * success on logger {@value #LOGGER_NAME}, and the matching metric. Until the server has an audit event log
 * (another issue), operators route this logger to their own sink.
 *
 * <p>A line is {@code event=... channel=... tenant=... account=... address=...} plus event fields. It never
 * holds a password, and not even the username tried: people type passwords into the username field. The
 * account is a fingerprint instead ({@link LoginThrottle#accountFingerprint}: the first 16 hex digits of an
 * HMAC-SHA256, under a key derived from the master key, of tenant and normalized username): the lines of one
 * account correlate, and a success line names the user id, but a fingerprint cannot be tested against guessed
 * passwords by whoever reads the log.
 */
public final class LoginAudit {

    public static final String LOGGER_NAME = "dev.identityservice.audit";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER_NAME);

    /** Where a login came from: the password grant or the login page; a metric tag. */
    public enum Channel {
        TOKEN, FORM;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final ServerMetrics metrics;

    public LoginAudit(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    void succeeded(Channel channel, String tenantId, String account, String address, boolean device, String userId) {
        metrics.loginAttempt(channel.tag(), "success");
        if (channel == Channel.FORM) {
            metrics.loginSucceeded();
        }
        LOG.info("event=login.succeeded channel={} tenant={} account={} address={} device={} user={}",
                channel.tag(), tenantId, account, address, device, userId == null ? "-" : userId);
    }

    void failed(Channel channel, String tenantId, String account, String address, boolean device) {
        metrics.loginAttempt(channel.tag(), "failure");
        metrics.loginFailed();
        LOG.info("event=login.failed channel={} tenant={} account={} address={} device={} reason=invalid_credentials",
                channel.tag(), tenantId, account, address, device);
    }

    /** The attempt counters could not be reached: a login refused without a password check (fail closed). */
    void unavailable(Channel channel, String tenantId, String account, String address, RuntimeException cause) {
        metrics.loginAttempt(channel.tag(), "unavailable");
        LOG.error("event=login.unavailable channel={} tenant={} account={} address={} cause={}",
                channel.tag(), tenantId, account, address, cause.getClass().getSimpleName(), cause);
    }

    /** A refused attempt; a spent per-account budget is a lockout (of devices and addresses the owner never used). */
    void throttled(Channel channel, String tenantId, String account, String address, boolean device,
                   LoginThrottle.Budget budget, Duration retryAfter) {
        metrics.loginAttempt(channel.tag(), "throttled");
        metrics.loginThrottled(budget.tag());
        metrics.loginFailed();
        String event = budget == LoginThrottle.Budget.ACCOUNT ? "login.locked" : "login.throttled";
        LOG.warn("event={} channel={} tenant={} account={} address={} device={} budget={} retry_after_s={}",
                event, channel.tag(), tenantId, account, address, device, budget.tag(), retryAfter.toSeconds());
    }
}
