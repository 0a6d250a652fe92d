package dev.identityservice.sample;

import dev.identityservice.guard.GuardConfig;
import dev.identityservice.guard.Placeholders;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What the page needs to sign in, served as {@code /config.json}: the issuer is the guard's, so the
 * page always signs in where the API's tokens come from; client id and scope are the page's own.
 *
 * @param issuer   the identity server; the page reads its discovery document
 * @param clientId the public client the page signs in as
 * @param scope    the scopes it asks for, space-separated
 */
record PageConfig(String issuer, String clientId, String scope) {

    /** The init-param naming the page's client. */
    static final String CLIENT_ID_PARAM = "client-id";
    /** The init-param listing the scopes the page asks for. */
    static final String SCOPE_PARAM = "scope";

    PageConfig {
        Objects.requireNonNull(issuer, "issuer");
        requireText(CLIENT_ID_PARAM, clientId);
        requireText(SCOPE_PARAM, scope);
    }

    /**
     * @param guard      the filter's settings
     * @param initParams the config servlet's init-params, placeholders unresolved
     */
    static PageConfig of(GuardConfig guard, Function<String, String> initParams) {
        return new PageConfig(guard.issuer().toString(), param(initParams, CLIENT_ID_PARAM), param(initParams, SCOPE_PARAM));
    }

    Map<String, String> toJson() {
        Map<String, String> json = new LinkedHashMap<>();
        json.put("issuer", issuer);
        json.put("clientId", clientId);
        json.put("scope", scope);
        return json;
    }

    private static String param(Function<String, String> initParams, String name) {
        try {
            String value = Placeholders.resolve(initParams.apply(name));
            return value == null ? null : value.trim();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }

    private static void requireText(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + ": is required");
        }
    }
}
