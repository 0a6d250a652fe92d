package dev.identityservice.core.grant;

import dev.identityservice.core.client.Client;
import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.tenant.Tenant;
import java.util.Map;
import java.util.Objects;

/**
 * A token request (RFC 6749 §4) after the edge parsed the form and authenticated the client.
 *
 * @param parameters each form parameter with one value (the edge refuses a repeat of any parameter the token
 *                   endpoint defines, RFC 6749 §3.2; an extension parameter that may repeat, such as RFC 8707
 *                   {@code resource}, arrives with its first value)
 */
public record TokenRequest(Tenant tenant, Client client, Map<String, String> parameters) {

    /** Longest parameter value accepted; anything longer is not a value we issued or expect. */
    public static final int MAX_PARAMETER_LENGTH = 4096;

    public TokenRequest {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(client, "client");
        parameters = Map.copyOf(parameters);
    }

    /** The parameter's value, or {@code null} when absent or empty (RFC 6749 §3.1: empty means omitted). */
    public String optional(String name) {
        String value = parameters.get(name);
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (value.length() > MAX_PARAMETER_LENGTH) {
            throw OAuthError.invalidRequest("Parameter '" + name + "' is too long").exception();
        }
        return value;
    }

    /** The parameter's value; {@code invalid_request} naming it when absent. */
    public String required(String name) {
        String value = optional(name);
        if (value == null) {
            throw OAuthError.invalidRequest("Missing parameter '" + name + "'").exception();
        }
        return value;
    }
}
