package dev.identityservice.guard.events;

/**
 * The event types (RFC 8417 §2.2 {@code events} member names) the guard acts on: CAEP 1.0 and RISC 1.0 where
 * they fit, the identity service's own URIs where none does. Any other type is acknowledged and ignored.
 */
public final class EventTypes {
    /** An access token was revoked; {@code sub_id} is {@code jwt_id} (RFC 9493 style, SSF 1.0). */
    public static final String ACCESS_TOKEN_REVOKED = "https://identityservice.dev/secevent/event-type/access-token-revoked";
    /** CAEP session revoked: by {@code sid} ({@code complex} with {@code session}) or all of a user ({@code iss_sub}). */
    public static final String SESSION_REVOKED = "https://schemas.openid.net/secevent/caep/event-type/session-revoked";
    /** RISC account disabled. */
    public static final String ACCOUNT_DISABLED = "https://schemas.openid.net/secevent/risc/event-type/account-disabled";
    /** RISC account purged (deleted). */
    public static final String ACCOUNT_PURGED = "https://schemas.openid.net/secevent/risc/event-type/account-purged";
    /** A signing key was revoked; {@code sub_id} is {@code opaque} with the {@code kid}. */
    public static final String SIGNING_KEY_REVOKED = "https://identityservice.dev/secevent/event-type/signing-key-revoked";
    /** A client was disabled or deleted; {@code sub_id} is {@code opaque} with the {@code client_id}. */
    public static final String CLIENT_DISABLED = "https://identityservice.dev/secevent/event-type/client-disabled";

    private EventTypes() {
    }
}
