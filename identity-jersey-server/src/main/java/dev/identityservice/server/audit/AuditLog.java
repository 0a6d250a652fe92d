package dev.identityservice.server.audit;

import dev.identityservice.core.audit.AuditEvent;
import dev.identityservice.core.key.KeyRotationListener;
import dev.identityservice.core.token.refresh.RefreshTokenService;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.event.Level;

/**
 * The audit event log: every event goes through {@link #record}, which logs one line on logger
 * {@value #LOGGER_NAME} and queues the row for {@link AuditWriter} (never blocking the request). The event
 * kinds and their fields:
 *
 * <table>
 *   <caption>event types</caption>
 *   <tr><th>type</th><th>actor</th><th>subject</th><th>client</th><th>outcome</th></tr>
 *   <tr><td>{@code login.succeeded}, {@code login.failed}, {@code login.throttled}, {@code login.locked}</td>
 *       <td>-</td><td>the user id on success, else {@code account:<fingerprint>}</td><td>-</td>
 *       <td>{@code success}, {@code failure}, {@code throttled}</td></tr>
 *   <tr><td>{@code token.failed}</td><td>-</td><td>-</td><td>the authenticated (or claimed) client id</td>
 *       <td>the RFC 6749 §5.2 error code</td></tr>
 *   <tr><td>{@code refresh.reused}</td><td>-</td><td>the family's user id</td><td>the client</td>
 *       <td>{@code family_revoked}, {@code within_grace}, {@code concurrent}</td></tr>
 *   <tr><td>{@code key.rotated}</td><td>{@code system} for scheduled rotations</td><td>the new active kid</td>
 *       <td>-</td><td>{@code success}</td></tr>
 *   <tr><td>{@code admin.<resource>.<action>}, e.g. {@code admin.user.disable}</td><td>the admin token's
 *       subject</td><td>the user id, client id, key id or tenant in the path</td><td>the admin token's client</td>
 *       <td>{@code success} or {@code failure}</td></tr>
 * </table>
 *
 * <p>Every event carries the client address of its request where there is one (after trusted proxies). None
 * carries a password, a secret, a token, or a username typed at a failed login.
 */
public final class AuditLog {

    /** The logger of audit lines; route it to its own sink with {@code log.levels}. */
    public static final String LOGGER_NAME = "dev.identityservice.audit";
    /**
     * The {@link MDC} key of the current request's client address, set for every request by
     * {@link ClientAddressFilter}; read here for events reported from inside the engine (refresh reuse).
     */
    public static final String ADDRESS_MDC_KEY = "client_address";

    public static final String LOGIN_SUCCEEDED = "login.succeeded";
    public static final String LOGIN_FAILED = "login.failed";
    public static final String LOGIN_THROTTLED = "login.throttled";
    public static final String LOGIN_LOCKED = "login.locked";
    public static final String TOKEN_FAILED = "token.failed";
    public static final String REFRESH_REUSED = "refresh.reused";
    public static final String KEY_ROTATED = "key.rotated";
    /** The prefix of administration events; see {@code AdminAuditFilter} for the rest of the name. */
    public static final String ADMIN_PREFIX = "admin.";
    /** The actor of what the server does on its own (scheduled key rotation). */
    public static final String SYSTEM = "system";

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER_NAME);

    private final Clock clock;
    private final AuditWriter writer;

    /** Events are stamped by {@code clock} and stored by {@code writer}; {@code null}: logged only. */
    public AuditLog(Clock clock, AuditWriter writer) {
        this.clock = clock;
        this.writer = writer;
    }

    /**
     * Records one event: a line at {@code level} and a row. Fields as {@link AuditEvent}; {@code null} for
     * none. Never throws for a value: a bad type is a programming error.
     */
    public void record(Level level, String tenantId, String type, String actor, String subject, String client,
                       String address, String outcome, String detail) {
        // Milliseconds: what H2 and PostgreSQL both keep exactly, so an event reads back as it was recorded.
        AuditEvent event = new AuditEvent(UUID.randomUUID().toString(), tenantId, clock.instant().truncatedTo(ChronoUnit.MILLIS), type, actor, subject,
                client, address, outcome, detail);
        LOG.atLevel(level).log("event={} tenant={} actor={} subject={} client={} address={} outcome={}{}",
                event.type(), event.tenantId(), dash(event.actor()), dash(event.subject()), dash(event.client()),
                dash(event.address()), event.outcome(), event.detail() == null ? "" : " " + event.detail());
        if (writer != null) {
            writer.offer(event);
        }
    }

    /**
     * A refused token request (RFC 6749 §5.2): {@code invalid_client}, {@code invalid_grant} and the rest, with
     * the grant type asked for. A password grant's wrong password is a {@code login.failed}, not this.
     */
    public void tokenFailed(String tenantId, String clientId, String grantType, String error, String address) {
        record(Level.INFO, tenantId, TOKEN_FAILED, null, null, clientId, address, error,
                "grant_type=" + (grantType == null ? "-" : grantType));
    }

    /** Records {@code refresh.reused} for every reuse the engine reports, with the address of the request. */
    public RefreshTokenService.ReuseListener reuseListener() {
        return new RefreshTokenService.ReuseListener() {
            @Override
            public void reuseDetected(String tenantId, String clientId, RefreshTokenService.ReuseOutcome outcome) {
                reuseDetected(tenantId, clientId, null, null, outcome);
            }

            @Override
            public void reuseDetected(String tenantId, String clientId, String userId, String familyId,
                                      RefreshTokenService.ReuseOutcome outcome) {
                record(Level.WARN, tenantId, REFRESH_REUSED, null, userId, clientId, MDC.get(ADDRESS_MDC_KEY),
                        outcome.name().toLowerCase(Locale.ROOT), familyId == null ? null : "family=" + familyId);
            }
        };
    }

    /** Records {@code key.rotated} for every change of a tenant's active key made by this instance. */
    public KeyRotationListener rotationListener() {
        return (tenantId, newActiveKid, reason) -> record(Level.INFO, tenantId, KEY_ROTATED,
                reason == KeyRotationListener.Reason.SCHEDULED || reason == KeyRotationListener.Reason.INITIAL ? SYSTEM : null,
                newActiveKid, null, MDC.get(ADDRESS_MDC_KEY), "success", "reason=" + reason.name().toLowerCase(Locale.ROOT));
    }

    private static String dash(String value) {
        return value == null ? "-" : value;
    }
}
