package dev.identityservice.guard;

import com.nimbusds.jose.JWSAlgorithm;
import dev.identityservice.guard.jwks.JwksFetcher;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The complete, validated settings of one guard: which issuer to trust, what a token must look like
 * (RFC 9068 §4), where roles live, and how keys and introspection results are cached. Immutable;
 * build it with {@link #builder()} or read it from {@code web.xml} with {@link #fromInitParams}.
 *
 * @param issuer              the exact {@code iss} to accept; also the base of OIDC discovery
 * @param jwksUri             the JWKS location; null to discover it from the issuer
 * @param audiences           a token's {@code aud} must contain at least one of these
 * @param algorithms          the JWS algorithms accepted, all asymmetric
 * @param clockSkew           tolerance for {@code exp}, {@code nbf} and {@code iat}
 * @param acceptPlainJwt      whether tokens typed {@code JWT} or untyped are accepted besides
 *                            {@code at+jwt}, for issuers that do not type access tokens
 * @param rolesClaims         claim paths that hold roles, like {@code realm_access.roles}
 * @param rolePrefix          prepended to every role read from the token
 * @param realm               the {@code realm} of the {@code WWW-Authenticate} challenge
 * @param publicPaths         servlet paths the filter lets through without a token
 * @param requiredRoles       servlet paths and the roles one of which each requires
 * @param maxTokenLength      the longest token, in characters, that is even looked at
 * @param jwks                JWKS cache timings
 * @param http                timeouts and size cap of every call to the issuer
 * @param tokenCache          bounds of the verified-token cache
 * @param introspection       how opaque tokens are resolved; null if they are not accepted
 * @param clock               the clock deciding every question of time
 * @param listener            receives what the guard does
 * @param jwksFetcher         replaces the HTTP JWKS fetcher; null for the default
 * @param principalClaim      the claim naming the caller ({@code getUserPrincipal()}); {@code sub}
 *                            by default, and for {@code at+jwt} tokens {@code sub} is required
 *                            whatever this names (RFC 9068 §2.2); never a silent fallback
 * @param acceptStringRoles   whether a roles claim holding one bare string counts as one role, for
 *                            issuers known to send {@code "roles": "user"}; otherwise such a token
 *                            is refused, as the claim's type is wrong
 * @param passCorsPreflight   whether the servlet filter lets a CORS preflight (an {@code OPTIONS}
 *                            request with {@code Origin} and {@code Access-Control-Request-Method})
 *                            through without a token, to a CORS filter behind it; off by default
 * @param events              the security-event stream (RFC 8417 SETs by RFC 8936 poll) that feeds the
 *                            deny-list; null without a stream (the guard then behaves as before)
 */
public record GuardConfig(
        URI issuer,
        URI jwksUri,
        Set<String> audiences,
        Set<JWSAlgorithm> algorithms,
        Duration clockSkew,
        boolean acceptPlainJwt,
        List<String> rolesClaims,
        String rolePrefix,
        String realm,
        List<String> publicPaths,
        List<PathRoles> requiredRoles,
        int maxTokenLength,
        JwksSettings jwks,
        HttpSettings http,
        TokenCacheSettings tokenCache,
        IntrospectionSettings introspection,
        Clock clock,
        GuardListener listener,
        JwksFetcher jwksFetcher,
        String principalClaim,
        boolean acceptStringRoles,
        boolean passCorsPreflight,
        EventsSettings events) {

    /** Default accepted algorithms: those every mainstream issuer signs with. */
    public static final Set<JWSAlgorithm> ALGORITHMS_DEFAULT =
            Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256, JWSAlgorithm.PS256, JWSAlgorithm.EdDSA);
    /** Every algorithm the guard can verify; all asymmetric. */
    public static final Set<JWSAlgorithm> ALGORITHMS_SUPPORTED = Set.of(
            JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
            JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512,
            JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);
    /** Default tolerance for clock differences between issuer and guard: 60 seconds. */
    public static final Duration CLOCK_SKEW_DEFAULT = Duration.ofSeconds(60);
    /** The largest clock skew accepted: 5 minutes. */
    public static final Duration CLOCK_SKEW_MAX = Duration.ofMinutes(5);
    /** Default roles claim: {@code roles} (RFC 9068 §7.2.1.1). */
    public static final List<String> ROLES_CLAIMS_DEFAULT = List.of("roles");
    /** Default realm of the challenge. */
    public static final String REALM_DEFAULT = "api";
    /** Default principal claim: {@code sub} (RFC 7519 §4.1.2). */
    public static final String PRINCIPAL_CLAIM_DEFAULT = "sub";
    /** Default longest token looked at: 16 384 characters. */
    public static final int MAX_TOKEN_LENGTH_CHARS_DEFAULT = 16_384;

    public GuardConfig {
        Objects.requireNonNull(issuer, "issuer");
        audiences = Set.copyOf(audiences);
        algorithms = Set.copyOf(algorithms);
        rolesClaims = List.copyOf(rolesClaims);
        publicPaths = List.copyOf(publicPaths);
        requiredRoles = List.copyOf(requiredRoles);
        Objects.requireNonNull(clockSkew, "clockSkew");
        Objects.requireNonNull(rolePrefix, "rolePrefix");
        Objects.requireNonNull(realm, "realm");
        Objects.requireNonNull(jwks, "jwks");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(tokenCache, "tokenCache");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(principalClaim, "principalClaim");
    }

    /** A new builder with every default set. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the settings from {@code web.xml} init-params; the names are those of {@link
     * InitParams} and the README table. Any name it does not know fails, so that a typo cannot
     * silently leave a default in force.
     *
     * @param names  every init-param name present
     * @param values the value of a name
     * @throws IllegalArgumentException naming the first bad or unknown init-param
     */
    public static GuardConfig fromInitParams(Collection<String> names, Function<String, String> values) {
        return InitParams.read(names, values);
    }

    /** {@link #fromInitParams(Collection, Function)} for a map of init-params. */
    public static GuardConfig fromInitParams(Map<String, String> params) {
        return InitParams.read(params.keySet(), params::get);
    }

    /** Masks the introspection secret. */
    @Override
    public String toString() {
        return "GuardConfig[issuer=" + issuer + ", jwksUri=" + jwksUri + ", audiences=" + audiences
                + ", algorithms=" + algorithms + ", clockSkew=" + clockSkew + ", acceptPlainJwt=" + acceptPlainJwt
                + ", rolesClaims=" + rolesClaims + ", rolePrefix=" + rolePrefix + ", realm=" + realm
                + ", publicPaths=" + publicPaths + ", requiredRoles=" + requiredRoles
                + ", maxTokenLength=" + maxTokenLength + ", " + jwks + ", " + http + ", " + tokenCache
                + ", " + introspection + ", principalClaim=" + principalClaim + ", acceptStringRoles="
                + acceptStringRoles + ", passCorsPreflight=" + passCorsPreflight + ", " + events + "]";
    }

    /**
     * Servlet paths and the roles one of which each requires; patterns are exact ({@code /admin}),
     * prefix ({@code /admin/*}) or everything ({@code /*}).
     *
     * @param pathPattern the servlet path pattern
     * @param anyOfRoles  the roles, one of which suffices
     */
    public record PathRoles(String pathPattern, Set<String> anyOfRoles) {
        public PathRoles {
            Objects.requireNonNull(pathPattern, "pathPattern");
            anyOfRoles = Set.copyOf(anyOfRoles);
        }
    }

    /**
     * How the JWKS is cached. The lifetime of a fetched set is the response's {@code max-age}
     * clamped to [{@code minLifetime}, {@code maxLifetime}], or {@code defaultLifetime}.
     *
     * @param defaultLifetime  lifetime of a set whose response declared none
     * @param minLifetime      the shortest lifetime honoured
     * @param maxLifetime      the longest lifetime honoured
     * @param refreshAhead     how long before expiry a background refresh starts
     * @param refetchInterval  the least time between two fetches caused by unknown key ids
     * @param maxStale         how long after its fetch the last good set still serves while the
     *                         issuer is unreachable
     * @param retryInterval    how long to wait after a failed fetch before the next
     * @param maxWait          the longest a request with an unknown {@code kid} waits for the fetch;
     *                         after it the request gets 503 while the fetch goes on in the
     *                         background, so that a hanging issuer cannot hold request threads. A
     *                         request whose key is cached never waits; with no usable keys at all
     *                         (start-up) a request waits up to the HTTP timeouts.
     */
    public record JwksSettings(Duration defaultLifetime, Duration minLifetime, Duration maxLifetime,
            Duration refreshAhead, Duration refetchInterval, Duration maxStale, Duration retryInterval,
            Duration maxWait) {

        /** Default lifetime of a set without {@code max-age}: 5 minutes. */
        public static final Duration DEFAULT_LIFETIME_DEFAULT = Duration.ofMinutes(5);
        /** Default shortest honoured lifetime: 1 minute. */
        public static final Duration MIN_LIFETIME_DEFAULT = Duration.ofMinutes(1);
        /** Default longest honoured lifetime: 24 hours. */
        public static final Duration MAX_LIFETIME_DEFAULT = Duration.ofHours(24);
        /** Default refresh-ahead: 30 seconds before expiry. */
        public static final Duration REFRESH_AHEAD_DEFAULT = Duration.ofSeconds(30);
        /** Default least interval between unknown-kid fetches: 30 seconds. */
        public static final Duration REFETCH_INTERVAL_DEFAULT = Duration.ofSeconds(30);
        /** Default outage tolerance: 24 hours. */
        public static final Duration MAX_STALE_DEFAULT = Duration.ofHours(24);
        /** Default wait after a failed fetch: 5 seconds. */
        public static final Duration RETRY_INTERVAL_DEFAULT = Duration.ofSeconds(5);
        /** Default longest wait of a request for a fetch: 500 milliseconds. */
        public static final Duration MAX_WAIT_DEFAULT = Duration.ofMillis(500);
    }

    /**
     * Limits of every HTTP call to the issuer (discovery, JWKS, introspection).
     *
     * @param connectTimeout   the longest wait for a connection
     * @param readTimeout      the longest wait for a whole response
     * @param maxResponseBytes the largest response body read
     */
    public record HttpSettings(Duration connectTimeout, Duration readTimeout, int maxResponseBytes) {
        /** Default connect timeout: 2 seconds. */
        public static final Duration CONNECT_TIMEOUT_DEFAULT = Duration.ofSeconds(2);
        /** Default response timeout: 5 seconds. */
        public static final Duration READ_TIMEOUT_DEFAULT = Duration.ofSeconds(5);
        /** Default response size cap: 256 KiB. */
        public static final int MAX_RESPONSE_BYTES_DEFAULT = 256 * 1024;
    }

    /**
     * Bounds of the verified-token cache, which is keyed by the exact token string and never keeps
     * an entry past the token's {@code exp}. Zero entries turns it off.
     *
     * @param maxEntries the most tokens kept
     * @param maxBytes   the most memory, estimated, the kept tokens take
     */
    public record TokenCacheSettings(int maxEntries, long maxBytes) {
        /** Default most cached tokens: 10 000. */
        public static final int MAX_ENTRIES_DEFAULT = 10_000;
        /** Default most cache memory: 32 MiB. */
        public static final long MAX_BYTES_DEFAULT = 32L * 1024 * 1024;
    }

    /**
     * How opaque tokens are resolved through token introspection (RFC 7662), authenticating with
     * {@code client_secret_basic} (RFC 6749 §2.3.1).
     *
     * @param endpoint     the introspection endpoint; null to discover it from the issuer
     * @param clientId     the guard's client id at the issuer
     * @param clientSecret its secret; never printed
     * @param maxTtl       the longest an active result is cached, even if the token lives longer
     * @param negativeTtl  how long an inactive result is cached
     */
    public record IntrospectionSettings(URI endpoint, String clientId, String clientSecret,
            Duration maxTtl, Duration negativeTtl) {
        /** Default longest caching of an active result: 5 minutes. */
        public static final Duration MAX_TTL_DEFAULT = Duration.ofMinutes(5);
        /** Default caching of an inactive result: 10 seconds. */
        public static final Duration NEGATIVE_TTL_DEFAULT = Duration.ofSeconds(10);

        public IntrospectionSettings {
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(clientSecret, "clientSecret");
        }

        @Override
        public String toString() {
            return "IntrospectionSettings[endpoint=" + endpoint + ", clientId=" + clientId
                    + ", clientSecret=****, maxTtl=" + maxTtl + ", negativeTtl=" + negativeTtl + "]";
        }
    }

    /**
     * The security-event receiver: the guard polls the issuer's Shared Signals stream (OpenID SSF 1.0,
     * RFC 8936 poll delivery) as a confidential client and denies the tokens the events name.
     *
     * @param clientId         the receiver's client id at the issuer; a SET's {@code aud} must be it
     * @param clientSecret     its secret ({@code client_secret_basic}, RFC 6749 §2.3.1); never printed
     * @param configurationUri the transmitter metadata; null for {@code {issuer}/.well-known/ssf-configuration}
     * @param maxStaleness     how long after the last answer of the stream the guard still counts itself
     *                         fresh; must exceed the transmitter's long-poll hold (10 s by default)
     * @param whenStale        what a request meets while the guard is stale
     * @param maxEntries       the most deny-list entries; when full the guard counts itself stale rather
     *                         than forget one
     */
    public record EventsSettings(String clientId, String clientSecret, URI configurationUri, Duration maxStaleness,
            WhenStale whenStale, int maxEntries) {
        /** Default freshness bound: 30 seconds. */
        public static final Duration MAX_STALENESS_DEFAULT = Duration.ofSeconds(30);
        /** Default deny-list bound: 100 000 entries. */
        public static final int MAX_ENTRIES_DEFAULT = 100_000;

        public EventsSettings {
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(clientSecret, "clientSecret");
            Objects.requireNonNull(maxStaleness, "maxStaleness");
            Objects.requireNonNull(whenStale, "whenStale");
        }

        /** What a request meets while the guard has not heard from the stream for longer than allowed. */
        public enum WhenStale {
            /** Accepted as without a stream (the deny-list still applies); a warning is logged. */
            FAIL_OPEN("fail-open"),
            /** 503 with {@code Retry-After}, as when the JWKS is unreachable. */
            FAIL_CLOSED("fail-closed"),
            /** Each token is verified by introspection (RFC 7662), which must be configured. */
            INTROSPECT("introspect");

            private final String text;

            WhenStale(String text) {
                this.text = text;
            }

            /** The init-param spelling, like {@code fail-closed}. */
            public String text() {
                return text;
            }

            /**
             * @throws IllegalArgumentException naming {@code events.when-stale} for any other text
             */
            public static WhenStale parse(String value) {
                for (WhenStale mode : values()) {
                    if (mode.text.equalsIgnoreCase(value.trim())) {
                        return mode;
                    }
                }
                throw new IllegalArgumentException("events.when-stale: expected fail-open, fail-closed or introspect"
                        + " but got " + value);
            }
        }

        @Override
        public String toString() {
            return "EventsSettings[clientId=" + clientId + ", clientSecret=****, configurationUri=" + configurationUri
                    + ", maxStaleness=" + maxStaleness + ", whenStale=" + whenStale.text() + ", maxEntries="
                    + maxEntries + "]";
        }
    }

    /**
     * Builds a {@link GuardConfig}; every setter is named after its init-param and {@link #build()}
     * fails fast, naming the option, on anything invalid.
     */
    public static final class Builder {
        private String issuer;
        private String jwksUri;
        private final Set<String> audiences = new LinkedHashSet<>();
        private Set<String> algorithms = new LinkedHashSet<>(
                List.of("RS256", "ES256", "PS256", "EdDSA"));
        private Duration clockSkew = CLOCK_SKEW_DEFAULT;
        private boolean acceptPlainJwt;
        private List<String> rolesClaims = ROLES_CLAIMS_DEFAULT;
        private String rolePrefix = "";
        private String realm = REALM_DEFAULT;
        private final List<String> publicPaths = new ArrayList<>();
        private final List<PathRoles> requiredRoles = new ArrayList<>();
        private int maxTokenLength = MAX_TOKEN_LENGTH_CHARS_DEFAULT;
        private Duration jwksDefaultLifetime = JwksSettings.DEFAULT_LIFETIME_DEFAULT;
        private Duration jwksMinLifetime = JwksSettings.MIN_LIFETIME_DEFAULT;
        private Duration jwksMaxLifetime = JwksSettings.MAX_LIFETIME_DEFAULT;
        private Duration jwksRefreshAhead = JwksSettings.REFRESH_AHEAD_DEFAULT;
        private Duration jwksRefetchInterval = JwksSettings.REFETCH_INTERVAL_DEFAULT;
        private Duration jwksMaxStale = JwksSettings.MAX_STALE_DEFAULT;
        private Duration jwksRetryInterval = JwksSettings.RETRY_INTERVAL_DEFAULT;
        private Duration jwksMaxWait = JwksSettings.MAX_WAIT_DEFAULT;
        private Duration httpConnectTimeout = HttpSettings.CONNECT_TIMEOUT_DEFAULT;
        private Duration httpReadTimeout = HttpSettings.READ_TIMEOUT_DEFAULT;
        private int httpMaxResponseBytes = HttpSettings.MAX_RESPONSE_BYTES_DEFAULT;
        private int tokenCacheMaxEntries = TokenCacheSettings.MAX_ENTRIES_DEFAULT;
        private long tokenCacheMaxBytes = TokenCacheSettings.MAX_BYTES_DEFAULT;
        private String introspectionEndpoint;
        private String introspectionClientId;
        private String introspectionClientSecret;
        private Duration introspectionMaxTtl = IntrospectionSettings.MAX_TTL_DEFAULT;
        private Duration introspectionNegativeTtl = IntrospectionSettings.NEGATIVE_TTL_DEFAULT;
        private Clock clock = Clock.systemUTC();
        private GuardListener listener = GuardListener.NONE;
        private JwksFetcher jwksFetcher;
        private String principalClaim = PRINCIPAL_CLAIM_DEFAULT;
        private boolean acceptStringRoles;
        private boolean passCorsPreflight = false;
        private String eventsClientId;
        private String eventsClientSecret;
        private String eventsConfigurationUri;
        private Duration eventsMaxStaleness = EventsSettings.MAX_STALENESS_DEFAULT;
        private EventsSettings.WhenStale eventsWhenStale = EventsSettings.WhenStale.FAIL_OPEN;
        private int eventsMaxEntries = EventsSettings.MAX_ENTRIES_DEFAULT;

        private Builder() {
        }

        /** {@code issuer}: the exact issuer identifier; required. */
        public Builder issuer(String issuer) {
            this.issuer = issuer;
            return this;
        }

        /** {@code jwks-uri}: the JWKS location, skipping discovery. */
        public Builder jwksUri(String jwksUri) {
            this.jwksUri = jwksUri;
            return this;
        }

        /** {@code audience}: adds accepted audiences; at least one is required. */
        public Builder audience(String... audiences) {
            this.audiences.addAll(List.of(audiences));
            return this;
        }

        /** {@code algorithms}: replaces the accepted JWS algorithms. */
        public Builder algorithms(String... algorithms) {
            this.algorithms = new LinkedHashSet<>(List.of(algorithms));
            return this;
        }

        /** {@code clock-skew}: tolerance for time claims, at most {@link #CLOCK_SKEW_MAX}. */
        public Builder clockSkew(Duration clockSkew) {
            this.clockSkew = clockSkew;
            return this;
        }

        /** {@code accept-plain-jwt}: accept typ {@code JWT} or no typ besides {@code at+jwt}. */
        public Builder acceptPlainJwt(boolean acceptPlainJwt) {
            this.acceptPlainJwt = acceptPlainJwt;
            return this;
        }

        /** {@code roles-claims}: replaces the claim paths holding roles. */
        public Builder rolesClaims(String... paths) {
            this.rolesClaims = List.of(paths);
            return this;
        }

        /**
         * {@code principal-claim}: the claim naming the caller, {@code sub} by default; a token
         * without it is refused. For {@code at+jwt} tokens {@code sub} is required as well.
         */
        public Builder principalClaim(String claim) {
            this.principalClaim = claim;
            return this;
        }

        /**
         * {@code accept-string-roles}: read a roles claim holding one bare string as one role;
         * false by default, refusing such tokens.
         */
        public Builder acceptStringRoles(boolean accept) {
            this.acceptStringRoles = accept;
            return this;
        }

        /**
         * {@code pass-cors-preflight}: let CORS preflights through the filter without a token; false
         * by default, because whatever is behind the filter then serves an anonymous {@code OPTIONS}, and a
         * servlet that does not dispatch on the method (a proxy, a front controller) serves it like a GET.
         * A CORS filter mapped before the guard answers preflights itself and needs no pass-through.
         */
        public Builder passCorsPreflight(boolean pass) {
            this.passCorsPreflight = pass;
            return this;
        }

        /** {@code role-prefix}: prepended to every role read from a token. */
        public Builder rolePrefix(String rolePrefix) {
            this.rolePrefix = rolePrefix;
            return this;
        }

        /** {@code realm}: the realm of the challenge. */
        public Builder realm(String realm) {
            this.realm = realm;
            return this;
        }

        /** {@code public-paths}: adds servlet paths that need no token. */
        public Builder publicPaths(String... patterns) {
            this.publicPaths.addAll(List.of(patterns));
            return this;
        }

        /** {@code required-roles}: requires one of {@code roles} on paths matching {@code pattern}. */
        public Builder requireRoles(String pattern, String... roles) {
            this.requiredRoles.add(new PathRoles(pattern, Set.of(roles)));
            return this;
        }

        /** {@code max-token-length}: the longest token looked at, in characters. */
        public Builder maxTokenLength(int maxTokenLength) {
            this.maxTokenLength = maxTokenLength;
            return this;
        }

        /** {@code jwks-default-lifetime}. */
        public Builder jwksDefaultLifetime(Duration value) {
            this.jwksDefaultLifetime = value;
            return this;
        }

        /** {@code jwks-min-lifetime}. */
        public Builder jwksMinLifetime(Duration value) {
            this.jwksMinLifetime = value;
            return this;
        }

        /** {@code jwks-max-lifetime}. */
        public Builder jwksMaxLifetime(Duration value) {
            this.jwksMaxLifetime = value;
            return this;
        }

        /** {@code jwks-refresh-ahead}. */
        public Builder jwksRefreshAhead(Duration value) {
            this.jwksRefreshAhead = value;
            return this;
        }

        /** {@code jwks-refetch-interval}. */
        public Builder jwksRefetchInterval(Duration value) {
            this.jwksRefetchInterval = value;
            return this;
        }

        /** {@code jwks-max-stale}. */
        public Builder jwksMaxStale(Duration value) {
            this.jwksMaxStale = value;
            return this;
        }

        /** {@code jwks-retry-interval}. */
        public Builder jwksRetryInterval(Duration value) {
            this.jwksRetryInterval = value;
            return this;
        }

        /** {@code jwks-max-wait}: the longest a request with an unknown {@code kid} waits for its fetch. */
        public Builder jwksMaxWait(Duration value) {
            this.jwksMaxWait = value;
            return this;
        }

        /** {@code http-connect-timeout}. */
        public Builder httpConnectTimeout(Duration value) {
            this.httpConnectTimeout = value;
            return this;
        }

        /** {@code http-read-timeout}. */
        public Builder httpReadTimeout(Duration value) {
            this.httpReadTimeout = value;
            return this;
        }

        /** {@code http-max-response-bytes}. */
        public Builder httpMaxResponseBytes(int value) {
            this.httpMaxResponseBytes = value;
            return this;
        }

        /** {@code token-cache-max-entries}; 0 turns the verified-token cache off. */
        public Builder tokenCacheMaxEntries(int value) {
            this.tokenCacheMaxEntries = value;
            return this;
        }

        /** {@code token-cache-max-bytes}. */
        public Builder tokenCacheMaxBytes(long value) {
            this.tokenCacheMaxBytes = value;
            return this;
        }

        /** {@code introspection-client-id} and {@code introspection-client-secret}: turn introspection on. */
        public Builder introspectionClient(String clientId, String clientSecret) {
            this.introspectionClientId = clientId;
            this.introspectionClientSecret = clientSecret;
            return this;
        }

        /** {@code introspection-endpoint}: skips discovery of the endpoint. */
        public Builder introspectionEndpoint(String endpoint) {
            this.introspectionEndpoint = endpoint;
            return this;
        }

        /** {@code introspection-max-ttl}. */
        public Builder introspectionMaxTtl(Duration value) {
            this.introspectionMaxTtl = value;
            return this;
        }

        /** {@code introspection-negative-ttl}. */
        public Builder introspectionNegativeTtl(Duration value) {
            this.introspectionNegativeTtl = value;
            return this;
        }

        /** The clock deciding every question of time (builder only). */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Receives what the guard does (builder only). */
        public Builder listener(GuardListener listener) {
            this.listener = listener;
            return this;
        }

        /**
         * {@code events.client-id} and {@code events.client-secret}: turn the security-event receiver on;
         * a blank client id leaves it off.
         */
        public Builder eventsClient(String clientId, String clientSecret) {
            this.eventsClientId = clientId;
            this.eventsClientSecret = clientSecret;
            return this;
        }

        /** {@code events.configuration-uri}: the SSF transmitter metadata, if not at the issuer's well-known place. */
        public Builder eventsConfigurationUri(String uri) {
            this.eventsConfigurationUri = uri;
            return this;
        }

        /** {@code events.max-staleness}: how long without an answer of the stream the guard counts itself fresh. */
        public Builder eventsMaxStaleness(Duration value) {
            this.eventsMaxStaleness = value;
            return this;
        }

        /** {@code events.when-stale}: what requests meet while the guard is stale. */
        public Builder eventsWhenStale(EventsSettings.WhenStale value) {
            this.eventsWhenStale = value;
            return this;
        }

        /** {@code events.max-entries}: the deny-list bound. */
        public Builder eventsMaxEntries(int value) {
            this.eventsMaxEntries = value;
            return this;
        }

        /** Replaces the HTTP JWKS fetcher (builder only). */
        public Builder jwksFetcher(JwksFetcher jwksFetcher) {
            this.jwksFetcher = jwksFetcher;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws IllegalArgumentException whose message starts with the bad option's name
         */
        public GuardConfig build() {
            URI issuerUri = httpUri("issuer", require("issuer", issuer));
            URI jwks = jwksUri == null ? null : httpUri("jwks-uri", jwksUri);
            check(!audiences.isEmpty() && audiences.stream().noneMatch(String::isBlank), "audience",
                    "at least one non-blank audience is required");
            Set<JWSAlgorithm> algs = acceptedAlgorithms();
            checkBetween("clock-skew", clockSkew, Duration.ZERO, CLOCK_SKEW_MAX);
            check(!rolesClaims.isEmpty(), "roles-claims", "at least one claim path is required");
            for (String path : rolesClaims) {
                check(path != null && !path.isBlank() && !path.startsWith(".") && !path.endsWith(".")
                        && !path.contains(".."), "roles-claims", "not a claim path: " + path);
            }
            Objects.requireNonNull(rolePrefix, "role-prefix");
            check(realm != null && !realm.isBlank(), "realm", "must not be blank");
            for (String pattern : publicPaths) {
                checkPathPattern("public-paths", pattern);
            }
            for (PathRoles rule : requiredRoles) {
                checkPathPattern("required-roles", rule.pathPattern());
                check(!rule.anyOfRoles().isEmpty(), "required-roles", "no roles for " + rule.pathPattern());
            }
            check(maxTokenLength >= 256 && maxTokenLength <= 1_048_576, "max-token-length",
                    "must be between 256 and 1048576 characters");
            JwksSettings jwksSettings = jwksSettings();
            checkPositive("http-connect-timeout", httpConnectTimeout);
            checkPositive("http-read-timeout", httpReadTimeout);
            check(httpMaxResponseBytes >= 1024, "http-max-response-bytes", "must be at least 1024");
            check(tokenCacheMaxEntries >= 0, "token-cache-max-entries", "must not be negative");
            check(tokenCacheMaxBytes >= 0, "token-cache-max-bytes", "must not be negative");
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(listener, "listener");
            IntrospectionSettings introspection = introspectionSettings();
            return new GuardConfig(issuerUri, jwks, audiences, algs, clockSkew, acceptPlainJwt, rolesClaims,
                    rolePrefix, realm, publicPaths, requiredRoles, maxTokenLength, jwksSettings,
                    new HttpSettings(httpConnectTimeout, httpReadTimeout, httpMaxResponseBytes),
                    new TokenCacheSettings(tokenCacheMaxEntries, tokenCacheMaxBytes),
                    introspection, clock, listener, jwksFetcher,
                    require("principal-claim", principalClaim), acceptStringRoles, passCorsPreflight,
                    eventsSettings(introspection != null));
        }

        private Set<JWSAlgorithm> acceptedAlgorithms() {
            check(algorithms != null && !algorithms.isEmpty(), "algorithms", "at least one is required");
            Set<JWSAlgorithm> accepted = new LinkedHashSet<>();
            for (String name : algorithms) {
                JWSAlgorithm alg = ALGORITHMS_SUPPORTED.stream().filter(a -> a.getName().equals(name))
                        .findFirst().orElseThrow(() -> new IllegalArgumentException("algorithms: " + name
                                + " is not accepted; supported are RS256/384/512, PS256/384/512,"
                                + " ES256/384/512 and EdDSA (never none or HMAC)"));
                accepted.add(alg);
            }
            return accepted;
        }

        private JwksSettings jwksSettings() {
            checkPositive("jwks-min-lifetime", jwksMinLifetime);
            checkBetween("jwks-max-lifetime", jwksMaxLifetime, jwksMinLifetime, Duration.ofDays(7));
            checkBetween("jwks-default-lifetime", jwksDefaultLifetime, jwksMinLifetime, jwksMaxLifetime);
            checkBetween("jwks-refresh-ahead", jwksRefreshAhead, Duration.ZERO, jwksMaxLifetime);
            checkPositive("jwks-refetch-interval", jwksRefetchInterval);
            checkBetween("jwks-max-stale", jwksMaxStale, Duration.ZERO, Duration.ofDays(30));
            checkPositive("jwks-retry-interval", jwksRetryInterval);
            checkBetween("jwks-max-wait", jwksMaxWait, Duration.ofMillis(1), Duration.ofSeconds(30));
            return new JwksSettings(jwksDefaultLifetime, jwksMinLifetime, jwksMaxLifetime, jwksRefreshAhead,
                    jwksRefetchInterval, jwksMaxStale, jwksRetryInterval, jwksMaxWait);
        }

        private IntrospectionSettings introspectionSettings() {
            if (introspectionClientId == null && introspectionClientSecret == null) {
                check(introspectionEndpoint == null, "introspection-endpoint",
                        "needs introspection-client-id and introspection-client-secret");
                return null;
            }
            check(introspectionClientId != null && !introspectionClientId.isBlank(), "introspection-client-id",
                    "is required with introspection-client-secret");
            check(introspectionClientSecret != null && !introspectionClientSecret.isEmpty(),
                    "introspection-client-secret", "is required with introspection-client-id");
            URI endpoint = introspectionEndpoint == null ? null
                    : httpUri("introspection-endpoint", introspectionEndpoint);
            checkPositive("introspection-max-ttl", introspectionMaxTtl);
            checkBetween("introspection-negative-ttl", introspectionNegativeTtl, Duration.ZERO, introspectionMaxTtl);
            return new IntrospectionSettings(endpoint, introspectionClientId, introspectionClientSecret,
                    introspectionMaxTtl, introspectionNegativeTtl);
        }

        private EventsSettings eventsSettings(boolean introspection) {
            if (eventsClientId == null || eventsClientId.isBlank()) {
                check(eventsClientSecret == null || eventsClientSecret.isEmpty(), "events.client-secret",
                        "needs events.client-id");
                return null;
            }
            check(eventsClientSecret != null && !eventsClientSecret.isEmpty(), "events.client-secret",
                    "is required with events.client-id");
            URI configuration = eventsConfigurationUri == null || eventsConfigurationUri.isBlank() ? null
                    : httpUri("events.configuration-uri", eventsConfigurationUri);
            checkBetween("events.max-staleness", eventsMaxStaleness, Duration.ofMillis(100), Duration.ofDays(1));
            Objects.requireNonNull(eventsWhenStale, "events.when-stale");
            check(eventsWhenStale != EventsSettings.WhenStale.INTROSPECT || introspection, "events.when-stale",
                    "introspect needs introspection-client-id and introspection-client-secret");
            check(eventsMaxEntries >= 1 && eventsMaxEntries <= 10_000_000, "events.max-entries",
                    "must be between 1 and 10000000");
            return new EventsSettings(eventsClientId.trim(), eventsClientSecret, configuration, eventsMaxStaleness,
                    eventsWhenStale, eventsMaxEntries);
        }

        private static String require(String option, String value) {
            check(value != null && !value.isBlank(), option, "is required");
            return value.trim();
        }

        private static URI httpUri(String option, String value) {
            URI uri;
            try {
                uri = URI.create(value.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(option + ": not a URI: " + value, e);
            }
            check(("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))
                    && uri.getHost() != null && uri.getRawQuery() == null && uri.getRawFragment() == null,
                    option, "must be an http(s) URI without query or fragment: " + value);
            return uri;
        }

        private static void checkPathPattern(String option, String pattern) {
            check(pattern != null && pattern.startsWith("/")
                    && (pattern.indexOf('*') < 0 || (pattern.endsWith("/*") && pattern.indexOf('*') == pattern.length() - 1)),
                    option, "path patterns are /exact, /prefix/* or /*, not " + pattern);
        }

        private static void checkPositive(String option, Duration value) {
            check(value != null && value.compareTo(Duration.ZERO) > 0, option, "must be positive");
        }

        private static void checkBetween(String option, Duration value, Duration min, Duration max) {
            check(value != null && value.compareTo(min) >= 0 && value.compareTo(max) <= 0, option,
                    "must be between " + min + " and " + max + ", not " + value);
        }

        private static void check(boolean condition, String option, String problem) {
            if (!condition) {
                throw new IllegalArgumentException(option + ": " + problem);
            }
        }
    }
}
