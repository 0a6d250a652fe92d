package dev.identityservice.core.event;

import java.util.Arrays;
import java.util.List;

/**
 * The event types the server raises, each with its URI (the member name in a SET's {@code events} claim,
 * RFC 8417 §2.2). CAEP 1.0 and RISC 1.0 types where one fits; our own URIs where none does.
 */
public enum SecurityEventType {

    /** One access token revoked (RFC 7009, or with its refresh family); the subject is its {@code jti}. */
    ACCESS_TOKEN_REVOKED("https://identityservice.dev/secevent/event-type/access-token-revoked"),
    /** A login session ended, or every session and token of a user revoked (CAEP 1.0 §3.1). */
    SESSION_REVOKED("https://schemas.openid.net/secevent/caep/event-type/session-revoked"),
    /** A user disabled (RISC 1.0 §2.3). */
    ACCOUNT_DISABLED("https://schemas.openid.net/secevent/risc/event-type/account-disabled"),
    /** A user deleted (RISC 1.0 §2.4). */
    ACCOUNT_PURGED("https://schemas.openid.net/secevent/risc/event-type/account-purged"),
    /** A signing key revoked: every token it signed is dead, and it leaves the JWKS. */
    SIGNING_KEY_REVOKED("https://identityservice.dev/secevent/event-type/signing-key-revoked"),
    /** A client deleted: every token issued to it is dead. */
    CLIENT_DISABLED("https://identityservice.dev/secevent/event-type/client-disabled");

    private final String uri;

    SecurityEventType(String uri) {
        this.uri = uri;
    }

    /** The event type URI. */
    public String uri() {
        return uri;
    }

    /** Every URI, in declaration order: a stream's {@code events_supported}. */
    public static List<String> allUris() {
        return Arrays.stream(values()).map(SecurityEventType::uri).toList();
    }
}
