package dev.identityservice.server.admin;

import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.error.OAuthException;
import dev.identityservice.server.http.NonNegativeInteger;
import java.util.OptionalLong;

/**
 * The management API's errors, in the server's one error shape ({@code error} + {@code error_description}):
 * {@code invalid_request} 400 for validation failures (naming the field), {@code not_found} 404 for unknown
 * ids, {@code conflict} 409 for duplicates.
 */
final class AdminErrors {

    private AdminErrors() {
    }

    static OAuthException invalid(String description) {
        return OAuthError.invalidRequest(description).exception();
    }

    /**
     * A validation failure from the engine or the setup mapping: an {@link IllegalArgumentException}, whose
     * message names the field and never a secret, or a {@link NullPointerException} from a null where a value
     * is required (a JSON {@code null} in a list, say).
     */
    static OAuthException invalid(RuntimeException e) {
        if (e instanceof IllegalArgumentException && e.getMessage() != null) {
            return invalid(e.getMessage());
        }
        return invalid(e instanceof NullPointerException ? "A required value is missing or null" : "Invalid value");
    }

    static OAuthException notFound(String description) {
        return new OAuthError("not_found", description, 404).exception();
    }

    static OAuthException conflict(String description) {
        return new OAuthError("conflict", description, 409).exception();
    }

    /**
     * {@code offset} and {@code limit} query parameters: offset at least 0, limit 1 to {@value Page#MAX_LIMIT};
     * digits only (no sign), anything else, however large, a 400 naming the parameter.
     */
    static int intParam(String name, String value, int defaultValue, int min, int max) {
        if (value == null || value.isEmpty()) {
            return defaultValue;
        }
        OptionalLong parsed = NonNegativeInteger.parse(value, min, max);
        if (parsed.isPresent()) {
            return (int) parsed.getAsLong();
        }
        throw invalid("Query parameter '" + name + "' must be an integer from " + min + " to " + max);
    }
}
