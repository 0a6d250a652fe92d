package dev.identityservice.server.setup;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.client.GrantType;
import dev.identityservice.core.client.ResponseType;
import dev.identityservice.core.token.TokenSettings;
import dev.identityservice.core.token.refresh.RefreshPolicy;
import dev.identityservice.core.user.Address;
import dev.identityservice.core.user.UserProfile;
import dev.identityservice.server.Durations;
import dev.identityservice.server.http.Utf8;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The import file: tenants, users and clients as JSON. Unknown fields fail the import with their name,
 * so a typo never silently drops a setting. Every list and most fields are optional; {@code tenant}
 * defaults to {@code default}. Durations are {@code 10m}-style or ISO-8601.
 */
public record SetupFile(List<TenantEntry> tenants, List<UserEntry> users, List<ClientEntry> clients) {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            // A field given twice would silently take its last value (RFC 8259 §4 leaves it undefined).
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    public SetupFile {
        tenants = tenants == null ? List.of() : List.copyOf(tenants);
        users = users == null ? List.of() : List.copyOf(users);
        clients = clients == null ? List.of() : List.copyOf(clients);
    }

    /** Reads {@code file}; {@link IllegalArgumentException} with the parser's location on malformed input. */
    public static SetupFile read(Path file) {
        try {
            // Decoded strictly first (RFC 8259 §8.1): Jackson given the bytes would read malformed UTF-8 leniently.
            String text = Utf8.decode(Files.readAllBytes(file)).orElseThrow(
                    () -> new IllegalArgumentException("import file " + file + " is invalid: not UTF-8"));
            return MAPPER.readValue(text.startsWith("\uFEFF") ? text.substring(1) : text, SetupFile.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException("import file " + file + " is invalid: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read import file " + file, e);
        }
    }

    /**
     * A tenant; {@code issuer} defaults to the default tenant's issuer + {@code /t/{id}}. {@code registration} is
     * {@code disabled} (the default), {@code open} or {@code initial-access-token}: whether clients may register
     * themselves (RFC 7591). {@code implicitAndHybridFlows} ({@code false} when absent, and RFC 9700 §2.1.2 says to
     * keep it so) lets clients that registered them use the response types beyond {@code code} (OIDC Core §3.2, §3.3).
     */
    public record TenantEntry(String id, String issuer, String signingAlgorithm, String rotationPeriod, String registration,
                              Boolean implicitAndHybridFlows) {
    }

    /** A user; give {@code password} (hashed here) or {@code passwordHash} (a PHC string), or neither. */
    public record UserEntry(String tenant, String username, String password, String passwordHash, Boolean enabled,
                            List<String> roles, ProfileEntry profile, Map<String, String> attributes) {

        /** Never shows the password. */
        @Override
        public String toString() {
            return "UserEntry[" + tenant + "/" + username + "]";
        }
    }

    /**
     * OIDC Core §5.1 standard claims of a user, in camelCase ({@code profile} is the profile page's URL);
     * formats as {@link UserProfile#requireWellFormed()} checks them.
     */
    public record ProfileEntry(String name, String givenName, String familyName, String email, Boolean emailVerified,
                               String picture, String locale, String middleName, String nickname, String profile,
                               String website, String gender, String birthdate, String zoneinfo, String phoneNumber,
                               Boolean phoneNumberVerified, AddressEntry address) {

        /** The entry of a stored profile: the inverse of {@code SetupImporter.profile}. */
        public static ProfileEntry of(UserProfile p) {
            return new ProfileEntry(p.name(), p.givenName(), p.familyName(), p.email(), p.emailVerified(), p.picture(),
                    p.locale(), p.middleName(), p.nickname(), p.profile(), p.website(), p.gender(), p.birthdate(),
                    p.zoneinfo(), p.phoneNumber(), p.phoneNumberVerified(), AddressEntry.of(p.address()));
        }
    }

    /** The {@code address} claim (OIDC Core §5.1.1); {@code streetAddress} and {@code formatted} may hold line breaks. */
    public record AddressEntry(String formatted, String streetAddress, String locality, String region, String postalCode,
                               String country) {

        static AddressEntry of(Address a) {
            return a == null ? null : new AddressEntry(a.formatted(), a.streetAddress(), a.locality(), a.region(),
                    a.postalCode(), a.country());
        }
    }

    /**
     * A client; give {@code secret} (at least 32 characters, hashed here) or {@code "public": true}.
     * {@code secretHash} is read only to refuse it by name (see {@link SetupImporter#SECRET_HASH_REFUSED}).
     * URIs and origins follow {@link dev.identityservice.core.client.ClientRegistrationRules}.
     * {@code tokenFormat} is {@code jwt} or {@code opaque}. {@code refreshReuseGrace} is a duration ({@code 0s}
     * when absent): a rotated refresh token reused this soon is refused without revoking its family.
     * {@code introspectionAudiences} lists audiences whose access tokens the client may introspect.
     * {@code jwks} (a public JWK Set) or {@code jwksUri}, {@code tokenEndpointAuthMethod}, {@code requestObjectSigningAlg},
     * {@code applicationType} ({@code web} or {@code native}), {@code contacts} and the informational URLs are the
     * client metadata of RFC 7591 §2 and OIDC Registration §2, with the meaning and rules they have there.
     * {@code idTokenSignedResponseAlg} ({@code RS256}, the default, {@code ES256} or {@code EdDSA}) signs the client's
     * ID tokens; {@code userinfoSignedResponseAlg}, when set, makes {@code /userinfo} answer it a signed JWT.
     * {@code backchannelLogoutUri} is where logout tokens are POSTed when a session the client took part in ends
     * (OIDC Back-Channel Logout 1.0; {@code https}, or {@code http} to a loopback address, no fragment);
     * {@code backchannelLogoutSessionRequired} ({@code false} when absent) records that it needs {@code sid}.
     * {@code responseTypes} (RFC 7591 §2 {@code response_types}, e.g. {@code "code"}, {@code "code id_token"}; by
     * default {@code code} when {@code grantTypes} has {@code authorization_code}) are the response types the client
     * may use; they must agree with {@code grantTypes} (RFC 7591 §2.1), and those beyond {@code code} work only where
     * the tenant enables {@code implicitAndHybridFlows}.
     */
    public record ClientEntry(String tenant, String clientId, String name, String secret, String secretHash,
                              @JsonProperty("public") Boolean publicClient, List<String> redirectUris,
                              List<String> postLogoutRedirectUris, List<String> allowedOrigins, List<String> grantTypes,
                              List<String> scopes, String tokenFormat, String accessTokenTtl, String idTokenTtl,
                              RefreshPolicyEntry refreshPolicy, String audience, Map<String, Object> idTokenEncryptionJwk,
                              List<ClaimMappingEntry> claimMappings, String refreshReuseGrace,
                              List<String> introspectionAudiences, Map<String, Object> jwks, String jwksUri,
                              String tokenEndpointAuthMethod, String requestObjectSigningAlg, String applicationType,
                              List<String> contacts, String logoUri, String clientUri, String policyUri, String tosUri,
                              String idTokenSignedResponseAlg, String userinfoSignedResponseAlg,
                              String backchannelLogoutUri, Boolean backchannelLogoutSessionRequired,
                              Boolean requirePushedAuthorizationRequests, List<String> requestUris,
                              List<String> responseTypes) {

        /**
         * The entry of a stored client, the inverse of {@code SetupImporter.clientSettings}: every setting,
         * {@code "public": true} for a public client, and never the secret or its hash.
         */
        public static ClientEntry of(Client c) {
            TokenSettings t = c.tokenSettings();
            RefreshPolicyEntry refresh = t.refreshPolicy() instanceof RefreshPolicy.Sliding sliding
                    ? new RefreshPolicyEntry("sliding", Durations.format(sliding.ttl()), Durations.format(sliding.absoluteMax()))
                    : new RefreshPolicyEntry("bound", null, null);
            return new ClientEntry(c.tenantId(), c.clientId(), c.name(), null, null, c.isPublic(), c.redirectUris(),
                    c.postLogoutRedirectUris(), c.allowedOrigins().stream().sorted().toList(),
                    c.grantTypes().stream().map(GrantType::value).sorted().toList(), c.scopes().stream().sorted().toList(),
                    t.accessTokenFormat().name().toLowerCase(Locale.ROOT), Durations.format(t.accessTokenTtl()),
                    Durations.format(t.idTokenTtl()), refresh, t.audience(),
                    c.idTokenEncryptionKey() == null ? null : c.idTokenEncryptionKey().toJSONObject(),
                    c.claimMappings().stream().map(m -> new ClaimMappingEntry(m.tokenType().name().toLowerCase(Locale.ROOT),
                            m.attribute(), m.claim())).toList(),
                    Durations.format(t.refreshReuseGrace()), c.introspectionAudiences().stream().sorted().toList(),
                    c.keys().jwks() == null ? null : c.keys().jwks().toJSONObject(true), text(c.keys().jwksUri()),
                    c.tokenEndpointAuthMethod() == null ? null : c.tokenEndpointAuthMethod().value(),
                    c.requestObjectSigningAlg(), c.applicationType() == null ? null : c.applicationType().value(),
                    c.description().contacts(), text(c.description().logoUri()), text(c.description().clientUri()),
                    text(c.description().policyUri()), text(c.description().tosUri()),
                    c.idTokenSignedResponseAlg() == null ? null : c.idTokenSignedResponseAlg().name(),
                    c.userinfoSignedResponseAlg() == null ? null : c.userinfoSignedResponseAlg().name(),
                    c.backchannelLogoutUri(), c.backchannelLogoutSessionRequired(), c.requirePushedAuthorizationRequests(),
                    c.requestUris().isEmpty() ? null : c.requestUris(),
                    c.responseTypes().isEmpty() ? null : c.responseTypes().stream().map(ResponseType::value).sorted().toList());
        }

        private static String text(java.net.URI uri) {
            return uri == null ? null : uri.toString();
        }

        /** A copy with {@code id} as its client id. */
        public ClientEntry withClientId(String id) {
            return new ClientEntry(tenant, id, name, secret, secretHash, publicClient, redirectUris, postLogoutRedirectUris,
                    allowedOrigins, grantTypes, scopes, tokenFormat, accessTokenTtl, idTokenTtl, refreshPolicy, audience,
                    idTokenEncryptionJwk, claimMappings, refreshReuseGrace, introspectionAudiences, jwks, jwksUri,
                    tokenEndpointAuthMethod, requestObjectSigningAlg, applicationType, contacts, logoUri, clientUri, policyUri, tosUri,
                    idTokenSignedResponseAlg, userinfoSignedResponseAlg, backchannelLogoutUri, backchannelLogoutSessionRequired,
                    requirePushedAuthorizationRequests, requestUris, responseTypes);
        }

        /** A copy with {@code secret} set: the one response that shows a new secret. */
        public ClientEntry withSecret(String newSecret) {
            return new ClientEntry(tenant, clientId, name, newSecret, null, publicClient, redirectUris, postLogoutRedirectUris,
                    allowedOrigins, grantTypes, scopes, tokenFormat, accessTokenTtl, idTokenTtl, refreshPolicy, audience,
                    idTokenEncryptionJwk, claimMappings, refreshReuseGrace, introspectionAudiences, jwks, jwksUri,
                    tokenEndpointAuthMethod, requestObjectSigningAlg, applicationType, contacts, logoUri, clientUri, policyUri, tosUri,
                    idTokenSignedResponseAlg, userinfoSignedResponseAlg, backchannelLogoutUri, backchannelLogoutSessionRequired,
                    requirePushedAuthorizationRequests, requestUris, responseTypes);
        }

        /** Never shows the secret. */
        @Override
        public String toString() {
            return "ClientEntry[" + tenant + "/" + clientId + "]";
        }
    }

    /** {@code bound} (to the access token, the default) or {@code sliding} with {@code ttl} and {@code max}. */
    public record RefreshPolicyEntry(String type, String ttl, String max) {
    }

    /** Copies user attribute {@code attribute} into claim {@code claim} of the {@code access} or {@code id} token. */
    public record ClaimMappingEntry(String token, String attribute, String claim) {
    }
}
