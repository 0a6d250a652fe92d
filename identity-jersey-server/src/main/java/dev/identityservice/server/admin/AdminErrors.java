package dev.identityservice.server.admin;

import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.error.OAuthException;

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

    /** A validation failure from the engine or the setup mapping, whose messages name the field and never a secret. */
    static OAuthException invalid(IllegalArgumentException e) {
        return invalid(e.getMessage() == null ? "Invalid value" : e.getMessage());
    }

    static OAuthException notFound(String description) {
        return new OAuthError("not_found", description, 404).exception();
    }

    static OAuthException conflict(String description) {
        return new OAuthError("conflict", description, 409).exception();
    }

    /** {@code offset} and {@code limit} query parameters: offset at least 0, limit 1 to {@value Page#MAX_LIMIT}. */
    static int intParam(String name, String value, int defaultValue, int min, int max) {
        if (value == null || value.isEmpty()) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // answered below, like an out-of-range number
        }
        throw invalid("Query parameter '" + name + "' must be an integer from " + min + " to " + max);
    }
}
