package dev.identityservice.core.tenant;

import dev.identityservice.core.key.SigningAlgorithm;
import dev.identityservice.core.registration.RegistrationMode;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A tenant: an issuer of its own, with its own users, clients, key ring and rotation schedule.
 * A token, code or refresh token of one tenant is never accepted by another.
 *
 * @param id                lower-case letters, digits and dashes; also the path segment {@code /t/{id}}
 * @param issuer            the {@code iss} of every token of this tenant (OIDC Discovery §4.3: https or http, no query or fragment)
 * @param signingAlgorithm  the algorithm of the next key this tenant generates
 * @param rotationPeriod    how long a key signs before the scheduled rotation replaces it
 * @param registrationMode  whether clients may register themselves (RFC 7591); {@link RegistrationMode#DISABLED} by default
 * @param implicitAndHybridFlows whether the authorization endpoint may issue tokens in the front channel: the
 *                          response types beyond {@code code} (OIDC Core §3.2 implicit, §3.3 hybrid) and the
 *                          {@code implicit} grant, for clients that registered them. {@code false} by default:
 *                          tokens in a browser's URL leak through history, logs and referrers, and cannot be
 *                          sender-constrained, so RFC 9700 §2.1.2 says not to use the implicit grant; a tenant
 *                          turns this on only for clients that need it (e.g. OpenID certification of a dynamic OP,
 *                          OIDC Core §15.2)
 */
public record Tenant(String id, URI issuer, SigningAlgorithm signingAlgorithm, Duration rotationPeriod, Instant createdAt,
                     RegistrationMode registrationMode, boolean implicitAndHybridFlows) {

    /** The tenant that serves when only one is configured. */
    public static final String DEFAULT_ID = "default";

    /** How long a key signs before the scheduled rotation, by default. */
    public static final Duration DEFAULT_ROTATION_PERIOD = Duration.ofDays(30);
    /** The shortest rotation period: 1 hour. */
    public static final Duration MIN_ROTATION_PERIOD = Duration.ofHours(1);
    /**
     * The longest rotation period: 10 years. Longer is no rotation at all, and the bound keeps
     * {@code activatedAt + rotationPeriod} far from {@link Instant#MAX}, whatever an administrator types.
     */
    public static final Duration MAX_ROTATION_PERIOD = Duration.ofDays(3650);

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    public Tenant {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(signingAlgorithm, "signingAlgorithm");
        Objects.requireNonNull(rotationPeriod, "rotationPeriod");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(registrationMode, "registrationMode");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("tenant id must match " + ID.pattern() + ": '" + id + "'");
        }
        String scheme = issuer.getScheme();
        if (!("https".equals(scheme) || "http".equals(scheme)) || issuer.getRawQuery() != null
                || issuer.getRawFragment() != null || issuer.getHost() == null) {
            throw new IllegalArgumentException("issuer must be an http(s) URL without query or fragment: " + issuer);
        }
        if (issuer.toString().endsWith("/")) {
            throw new IllegalArgumentException("issuer must not end with '/': " + issuer);
        }
        if (rotationPeriod.compareTo(MIN_ROTATION_PERIOD) < 0 || rotationPeriod.compareTo(MAX_ROTATION_PERIOD) > 0) {
            throw new IllegalArgumentException("rotationPeriod must be from 1h to 3650d: " + rotationPeriod);
        }
    }

    /** A new tenant: client registration {@link RegistrationMode#DISABLED}, no implicit or hybrid flows. */
    public Tenant(String id, URI issuer, SigningAlgorithm signingAlgorithm, Duration rotationPeriod, Instant createdAt) {
        this(id, issuer, signingAlgorithm, rotationPeriod, createdAt, RegistrationMode.DISABLED);
    }

    /** A tenant without implicit or hybrid flows. */
    public Tenant(String id, URI issuer, SigningAlgorithm signingAlgorithm, Duration rotationPeriod, Instant createdAt,
                  RegistrationMode registrationMode) {
        this(id, issuer, signingAlgorithm, rotationPeriod, createdAt, registrationMode, false);
    }

    public Tenant withSigningAlgorithm(SigningAlgorithm algorithm) {
        return new Tenant(id, issuer, algorithm, rotationPeriod, createdAt, registrationMode, implicitAndHybridFlows);
    }

    public Tenant withRotationPeriod(Duration period) {
        return new Tenant(id, issuer, signingAlgorithm, period, createdAt, registrationMode, implicitAndHybridFlows);
    }

    public Tenant withIssuer(URI value) {
        return new Tenant(id, value, signingAlgorithm, rotationPeriod, createdAt, registrationMode, implicitAndHybridFlows);
    }

    public Tenant withRegistrationMode(RegistrationMode mode) {
        return new Tenant(id, issuer, signingAlgorithm, rotationPeriod, createdAt, mode, implicitAndHybridFlows);
    }

    public Tenant withImplicitAndHybridFlows(boolean enabled) {
        return new Tenant(id, issuer, signingAlgorithm, rotationPeriod, createdAt, registrationMode, enabled);
    }
}
