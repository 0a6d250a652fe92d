package dev.identityservice.server.login;

import dev.identityservice.core.ThrottledLog;
import dev.identityservice.core.store.jdbc.DataAccessException;
import dev.identityservice.server.audit.AuditLog;
import dev.identityservice.server.observability.ServerMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The audit trail of password logins: every failed login, throttle refusal, lockout and success becomes an
 * {@link AuditLog} event ({@code login.*}: a line on logger {@value #LOGGER_NAME} and a row readable at
 * {@code /admin/events}) and the matching metric.
 *
 * <p>An event never holds a password, and not even the username tried: people type passwords into the
 * username field. The account is a fingerprint instead ({@link LoginThrottle#accountFingerprint}: the first 16
 * hex digits of an HMAC-SHA256, under a key derived from the master key, of tenant and normalized username),
 * as the subject {@code account:<fingerprint>}: the events of one account correlate, and a success names the
 * user id where the channel knows it, but a fingerprint cannot be tested against guessed passwords by whoever
 * reads the log.
 */
public final class LoginAudit {

    public static final String LOGGER_NAME = AuditLog.LOGGER_NAME;
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER_NAME);

    /** Where a login came from: the password grant or the login page; a metric tag. */
    public enum Channel {
        TOKEN, FORM;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final ServerMetrics metrics;
    private final AuditLog audit;
    private final ThrottledLog unavailableLines;

    /**
     * @param metrics where the login metrics go
     * @param audit   where the login events go
     * @param clock   decides the interval of the rate-limited {@code login.unavailable} lines
     */
    public LoginAudit(ServerMetrics metrics, AuditLog audit, Clock clock) {
        this.metrics = metrics;
        this.audit = audit;
        this.unavailableLines = new ThrottledLog(ThrottledLog.INTERVAL_DEFAULT, clock);
    }

    void succeeded(Channel channel, String tenantId, String account, String address, boolean device, String userId) {
        metrics.loginAttempt(channel.tag(), "success");
        if (channel == Channel.FORM) {
            metrics.loginSucceeded();
        }
        audit.record(Level.INFO, tenantId, AuditLog.LOGIN_SUCCEEDED, null, userId == null ? subject(account) : userId,
                null, address, "success", detail(channel, device) + (userId == null ? "" : " account=" + account));
    }

    void failed(Channel channel, String tenantId, String account, String address, boolean device) {
        metrics.loginAttempt(channel.tag(), "failure");
        metrics.loginFailed();
        audit.record(Level.INFO, tenantId, AuditLog.LOGIN_FAILED, null, subject(account), null, address, "failure",
                detail(channel, device) + " reason=invalid_credentials");
    }

    /**
     * The attempt counters could not be reached: a login refused without a password check (fail closed). Not
     * stored (the database that failed is where the event would go), and logged as one line per failure kind
     * (channel, and whether the database was unreachable or refused the statement) per
     * {@link ThrottledLog#INTERVAL_DEFAULT}, without a stack trace: during an outage every login fails the same
     * way, and the metric ({@code identity.login.attempts}, result {@code unavailable}) counts each one.
     */
    void unavailable(Channel channel, String tenantId, String account, String address, RuntimeException cause) {
        metrics.loginAttempt(channel.tag(), "unavailable");
        String kind = DataAccessException.isConnectionFailure(cause) ? "unreachable" : "failed";
        unavailableLines.log(channel.tag() + "/" + kind,
                "event=login.unavailable channel=" + channel.tag() + " database=" + kind + " tenant=" + tenantId
                        + " cause=" + cause.getClass().getSimpleName() + ": " + firstLine(cause.getMessage()),
                LOG::error);
    }

    /** A driver's message on one line (H2 appends the SQL statement on the next), at most 200 characters. */
    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        String line = message.lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    /** A refused attempt; a spent per-account budget is a lockout (of devices and addresses the owner never used). */
    void throttled(Channel channel, String tenantId, String account, String address, boolean device,
                   LoginThrottle.Budget budget, Duration retryAfter) {
        metrics.loginAttempt(channel.tag(), "throttled");
        metrics.loginThrottled(budget.tag());
        metrics.loginFailed();
        String type = budget == LoginThrottle.Budget.ACCOUNT ? AuditLog.LOGIN_LOCKED : AuditLog.LOGIN_THROTTLED;
        audit.record(Level.WARN, tenantId, type, null, subject(account), null, address, "throttled",
                detail(channel, device) + " budget=" + budget.tag() + " retry_after_s=" + retryAfter.toSeconds());
    }

    private static String subject(String account) {
        return "account:" + account;
    }

    private static String detail(Channel channel, boolean device) {
        return "channel=" + channel.tag() + " device=" + device;
    }
}
