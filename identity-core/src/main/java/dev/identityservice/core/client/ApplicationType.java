package dev.identityservice.core.client;

import java.util.Locale;

/**
 * The kind of application a client is (OpenID Connect Registration 1.0 §2 {@code application_type}), which
 * decides where it may be redirected ({@link ClientRegistrationRules}). A client that never said has no type
 * and only the rules every redirect URI follows.
 */
public enum ApplicationType {
    /** A server-side or browser application: redirect URIs on {@code https} (or {@code http} to loopback). */
    WEB,
    /** An app on a device: private-use schemes, loopback {@code http}, or claimed {@code https} URIs (RFC 8252 §7). */
    NATIVE;

    /** The registration metadata value: {@code web} or {@code native}. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The type named {@code value} ({@code web} or {@code native}, exactly).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static ApplicationType parse(String value) {
        for (ApplicationType type : values()) {
            if (type.value().equals(value)) {
                return type;
            }
        }
        throw new IllegalArgumentException("application_type must be web or native: '" + value + "'");
    }
}
