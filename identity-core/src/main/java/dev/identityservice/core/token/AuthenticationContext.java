package dev.identityservice.core.token;

import dev.identityservice.core.error.OAuthError;
import java.util.List;

/**
 * How users authenticate here, as tokens state it: the {@code amr} values (RFC 8176) and the one
 * authentication context class ({@code acr}, OIDC Core §2) this server supports.
 *
 * <p>Every login, at the login page and by the password grant, is a password checked against an Argon2id hash
 * behind a throttle: one level, {@value #ACR_PASSWORD}. It is what {@code acr_values_supported} advertises and
 * what {@code acr} says whenever a client asks for it (§3.1.2.1 {@code acr_values}, or §5.5.1.1 through the
 * {@code claims} parameter).
 */
public final class AuthenticationContext {

    /** RFC 8176 §2: password-based authentication. */
    public static final String AMR_PASSWORD = "pwd";
    /** The single authentication context class: single-factor password authentication. */
    public static final String ACR_PASSWORD = "1";
    /** What discovery advertises as {@code acr_values_supported}. */
    public static final List<String> ACR_VALUES_SUPPORTED = List.of(ACR_PASSWORD);

    private AuthenticationContext() {
    }

    /**
     * Fails when {@code claims} asks for {@code acr} as essential (§5.5.1.1) with values none of which this server
     * can meet; a voluntary request is answered with {@value #ACR_PASSWORD} whatever it names.
     *
     * @throws dev.identityservice.core.error.OAuthException {@code unmet_authentication_requirements} (OpenID
     *         Connect Core Unmet Authentication Requirements 1.0), for the authorization response
     */
    public static void requireSatisfiable(ClaimsRequest claims) {
        for (var requested : List.of(claims.idToken(), claims.userinfo())) {
            ClaimsRequest.Claim acr = requested.get("acr");
            if (acr != null && acr.essential() && !acr.accepts(ACR_PASSWORD)) {
                throw new OAuthError("unmet_authentication_requirements",
                        "The requested authentication context class is not supported", 400).exception();
            }
        }
    }
}
