package dev.identityservice.core.registration;

import java.util.Locale;

/**
 * Whether and how a tenant lets clients register themselves (RFC 7591 §3, OpenID Connect Registration 1.0 §3).
 * {@link #DISABLED} is the default of every tenant: registration is opened per tenant by an administrator.
 */
public enum RegistrationMode {
    /** No registration endpoint: {@code POST .../register} is 404 and discovery names none. */
    DISABLED("disabled"),
    /** Anyone may register, within the per-tenant cap on registered clients. */
    OPEN("open"),
    /** Registration needs an initial access token an administrator issued (RFC 7591 §3, "protected" registration). */
    INITIAL_ACCESS_TOKEN("initial-access-token");

    private final String value;

    RegistrationMode(String value) {
        this.value = value;
    }

    /** The name in configuration, import files and the management API, e.g. {@code initial-access-token}. */
    public String value() {
        return value;
    }

    /** Whether the registration endpoint exists in this mode. */
    public boolean enabled() {
        return this != DISABLED;
    }

    /**
     * The mode named {@code value} ({@link #value()} or the constant's name, any case).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static RegistrationMode parse(String value) {
        String wanted = value == null ? "" : value.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        for (RegistrationMode mode : values()) {
            if (mode.value.equals(wanted)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("registration mode must be disabled, open or initial-access-token: '" + value + "'");
    }
}
