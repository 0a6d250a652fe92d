package dev.identityservice.guard.verify;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.identityservice.guard.GuardConfig;
import dev.identityservice.guard.GuardConfig.IntrospectionSettings;
import dev.identityservice.guard.TokenVerifier;
import dev.identityservice.guard.VerifiedToken;
import dev.identityservice.guard.error.BearerError;
import dev.identityservice.guard.error.InvalidTokenException;
import dev.identityservice.guard.error.VerificationUnavailableException;
import dev.identityservice.guard.http.BoundedHttpClient;
import dev.identityservice.guard.http.HttpDocument;
import dev.identityservice.guard.jwks.IssuerDiscovery;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/**
 * Resolves opaque access tokens through OAuth 2.0 Token Introspection (RFC 7662 §2), authenticating
 * with {@code client_secret_basic} (RFC 6749 §2.3.1).
 *
 * <p>Results are cached per token, bounded in entries: an active token until its {@code exp} but no
 * longer than {@code maxTtl}, so that a revocation is seen within that time; an inactive one for
 * {@code negativeTtl}. Concurrent requests with the same token share one call. An unreachable or
 * failing endpoint is a {@link VerificationUnavailableException} and is not cached.
 */
public final class IntrospectionTokenVerifier implements TokenVerifier {

    private static final System.Logger LOG = System.getLogger(IntrospectionTokenVerifier.class.getName());

    private final IntrospectionSettings settings;
    private final BoundedHttpClient http;
    private final IssuerDiscovery discovery;
    private final AccessTokenClaims claims;
    private final Clock clock;
    private final Duration retryAfter;
    private final String authorization;
    private final Cache<String, Outcome> results;

    public IntrospectionTokenVerifier(GuardConfig config, BoundedHttpClient http, IssuerDiscovery discovery) {
        this.settings = config.introspection();
        this.http = http;
        this.discovery = discovery;
        this.claims = new AccessTokenClaims(config);
        this.clock = config.clock();
        this.retryAfter = config.jwks().retryInterval();
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                (form(settings.clientId()) + ":" + form(settings.clientSecret())).getBytes(StandardCharsets.UTF_8));
        this.results = Caffeine.newBuilder()
                .maximumSize(Math.max(1, config.tokenCache().maxEntries()))
                .ticker(() -> clock.millis() * 1_000_000L)
                .expireAfter(new OutcomeExpiry())
                .build();
    }

    @Override
    public VerifiedToken verify(String token) throws InvalidTokenException, VerificationUnavailableException {
        Outcome outcome;
        try {
            outcome = results.get(token, this::introspect);
        } catch (Unavailable e) {
            throw e.exception;
        }
        if (outcome.rejection != null) {
            throw new InvalidTokenException(outcome.rejection);
        }
        if (!clock.instant().isBefore(outcome.token.expiresAt())) {
            throw InvalidTokenException.invalidToken("token expired");
        }
        return outcome.token;
    }

    private Outcome introspect(String token) {
        try {
            URI endpoint = settings.endpoint() != null ? settings.endpoint() : discovery.metadata().introspectionEndpoint();
            if (endpoint == null) {
                throw new IOException("the issuer publishes no introspection_endpoint");
            }
            HttpDocument response = http.postForm(endpoint,
                    "token=" + form(token) + "&token_type_hint=access_token", authorization);
            if (response.status() != 200) {
                throw new IOException("introspection answered HTTP " + response.status());
            }
            Map<String, Object> result = StrictJson.parseObject(response.body());
            if (!Boolean.TRUE.equals(result.get("active"))) {
                return Outcome.rejected(BearerError.invalidToken("token is not active"), clock);
            }
            try {
                return Outcome.accepted(claims.checkIntrospected(result), settings, clock);
            } catch (InvalidTokenException e) {
                return Outcome.rejected(e.error(), clock);
            }
        } catch (IOException | StrictJson.MalformedJsonException e) {
            LOG.log(System.Logger.Level.WARNING, "token introspection failed: " + e.getMessage());
            throw new Unavailable(new VerificationUnavailableException(
                    "introspection unavailable: " + e.getMessage(), retryAfter, e));
        }
    }

    private static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** One introspection result and when it stops being reused. */
    private record Outcome(VerifiedToken token, BearerError rejection, long expiresAtMillis) {
        static Outcome accepted(VerifiedToken token, IntrospectionSettings settings, Clock clock) {
            long capped = clock.millis() + settings.maxTtl().toMillis();
            long exp = token.expiresAt().getEpochSecond() >= Long.MAX_VALUE / 1000 ? capped
                    : token.expiresAt().toEpochMilli();
            return new Outcome(token, null, Math.min(capped, exp));
        }

        static Outcome rejected(BearerError rejection, Clock clock) {
            return new Outcome(null, rejection, -1);
        }
    }

    private final class OutcomeExpiry implements Expiry<String, Outcome> {
        @Override
        public long expireAfterCreate(String key, Outcome value, long currentTime) {
            if (value.rejection != null) {
                return settings.negativeTtl().toNanos();
            }
            return Math.max(0, (value.expiresAtMillis - clock.millis()) * 1_000_000L);
        }

        @Override
        public long expireAfterUpdate(String key, Outcome value, long currentTime, long currentDuration) {
            return expireAfterCreate(key, value, currentTime);
        }

        @Override
        public long expireAfterRead(String key, Outcome value, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }

    /** Carries the checked exception through Caffeine's loader. */
    private static final class Unavailable extends RuntimeException {
        final transient VerificationUnavailableException exception;

        Unavailable(VerificationUnavailableException exception) {
            super(exception.getMessage(), null, false, false);
            this.exception = exception;
        }
    }
}
