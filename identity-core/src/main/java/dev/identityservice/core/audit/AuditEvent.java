package dev.identityservice.core.audit;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One audit event: a typed row, never an open map. Text fields are cut to their column widths and stripped of
 * control characters (a value may come from a request), so that a stored event always fits and a line built
 * from it cannot be split. No field ever holds a password, a secret or a token: callers pass identifiers only.
 *
 * @param id       a random UUID, unique across instances
 * @param tenantId the tenant the event belongs to
 * @param time     when it happened (the engine's clock)
 * @param type     what happened, a dotted lower-case name such as {@code login.failed} or {@code admin.user.disable}
 * @param actor    who did it: an admin's subject, {@code system} for the server's own jobs, or {@code null}
 * @param subject  whom or what it concerns: a user id, {@code account:<fingerprint>} for a login of an unknown
 *                 outcome, a client id, a key id; or {@code null}
 * @param client   the OAuth client involved, or {@code null}
 * @param address  the client address of the request (after trusted proxies), or {@code null}
 * @param outcome  {@code success}, {@code failure}, or an OAuth error code such as {@code invalid_grant}
 * @param detail   a short human-readable addition, or {@code null}
 */
public record AuditEvent(String id, String tenantId, Instant time, String type, String actor, String subject,
                         String client, String address, String outcome, String detail) {

    /** Width of {@link #type}, {@link #outcome} and {@link #tenantId}. */
    public static final int SHORT_WIDTH = 64;
    /** Width of {@link #actor}, {@link #subject} and {@link #client}. */
    public static final int NAME_WIDTH = 255;
    /** Width of {@link #address}: an IPv6 address with zone fits. */
    public static final int ADDRESS_WIDTH = 64;
    /** Width of {@link #detail}. */
    public static final int DETAIL_WIDTH = 500;

    private static final Pattern TYPE = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    /**
     * @throws IllegalArgumentException when {@code type} is not a dotted lower-case name
     * @throws NullPointerException when id, tenant, time, type or outcome is missing
     */
    public AuditEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(type, "type");
        if (!TYPE.matcher(type).matches()) {
            throw new IllegalArgumentException("audit event type must be a dotted lower-case name: " + type);
        }
        tenantId = fit(Objects.requireNonNull(tenantId, "tenantId"), SHORT_WIDTH);
        outcome = fit(Objects.requireNonNull(outcome, "outcome"), SHORT_WIDTH);
        actor = fit(actor, NAME_WIDTH);
        subject = fit(subject, NAME_WIDTH);
        client = fit(client, NAME_WIDTH);
        address = fit(address, ADDRESS_WIDTH);
        detail = fit(detail, DETAIL_WIDTH);
    }

    /** {@code value} without control characters, cut to {@code width} characters; {@code null} stays null. */
    static String fit(String value, int width) {
        if (value == null) {
            return null;
        }
        String printable = value.codePoints().filter(c -> !Character.isISOControl(c))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return printable.length() <= width ? printable : printable.substring(0, width);
    }
}
