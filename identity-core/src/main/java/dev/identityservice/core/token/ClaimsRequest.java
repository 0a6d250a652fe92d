package dev.identityservice.core.token;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.identityservice.core.Limits;
import dev.identityservice.core.error.OAuthError;
import java.text.ParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code claims} request parameter (OIDC Core §5.5): the individual claims a client asks to receive in
 * the UserInfo response ({@code userinfo}) and in the ID token ({@code id_token}), each voluntary or
 * {@code essential}, optionally with a {@code value} or {@code values} it expects. {@code acr_values}
 * (§3.1.2.1) is folded in as a voluntary {@code acr} request of the ID token, as §5.5.1.1 defines it.
 *
 * <p>Claims this server does not know are ignored (§5.5: "not understood"), so what is kept, and stored with a
 * code or a refresh token ({@link #toJson}), is bounded by the claims it can release.
 *
 * @param userinfo claims requested in the UserInfo response, by name
 * @param idToken  claims requested in the ID token, by name
 */
public record ClaimsRequest(Map<String, Claim> userinfo, Map<String, Claim> idToken) {

    /** No claims requested individually. */
    public static final ClaimsRequest NONE = new ClaimsRequest(Map.of(), Map.of());

    /** Claims about the authentication that may be requested besides the {@link ProfileClaims#ALL standard ones}. */
    public static final Set<String> AUTHENTICATION_CLAIMS = Set.of("sub", "acr", "amr", "auth_time");

    /**
     * One requested claim (§5.5.1).
     *
     * @param value  the one value asked for, or {@code null}
     * @param values the values asked for, in order of preference; empty when none
     */
    public record Claim(boolean essential, Object value, List<Object> values) {
        public static final Claim VOLUNTARY = new Claim(false, null, List.of());

        public Claim {
            values = values == null ? List.of() : List.copyOf(values);
        }

        /** Whether {@code candidate} is acceptable: no value was asked for, or it is one of those asked. */
        public boolean accepts(Object candidate) {
            if (value == null && values.isEmpty()) {
                return true;
            }
            return Objects.equals(value, candidate) || values.contains(candidate);
        }
    }

    public ClaimsRequest {
        // In request order, so that what is stored (and what /userinfo answers) follows the client's own order.
        userinfo = Collections.unmodifiableMap(new LinkedHashMap<>(userinfo));
        idToken = Collections.unmodifiableMap(new LinkedHashMap<>(idToken));
    }

    /**
     * Parses the parameter's JSON.
     *
     * @param json the parameter value, or {@code null} for none
     * @throws dev.identityservice.core.error.OAuthException {@code invalid_request} when it is not a JSON object of
     *         that shape (§5.5), naming the first member that is wrong
     */
    public static ClaimsRequest parse(String json) {
        if (json == null) {
            return NONE;
        }
        // Only an object: the JSON parser also reads "null" (as no map at all) and an array of [name, value] pairs
        // (as a map), neither of which is the object §5.5 defines.
        if (!json.strip().startsWith("{")) {
            throw malformed("is not a JSON object");
        }
        Map<String, Object> top;
        try {
            top = JSONObjectUtils.parse(json);
        } catch (ParseException | RuntimeException e) {
            throw malformed("is not a JSON object");
        }
        if (top == null) {
            throw malformed("is not a JSON object");
        }
        return new ClaimsRequest(member(top, "userinfo"), member(top, "id_token"));
    }

    /** The request as it was stored by {@link #toJson}; {@link #NONE} for {@code null}. */
    public static ClaimsRequest fromJson(String stored) {
        return parse(stored);
    }

    /** This request with {@code acr_values} (space-separated, or {@code null}) as a voluntary ID-token {@code acr} request. */
    public ClaimsRequest withAcrValues(String acrValues) {
        if (acrValues == null || acrValues.isBlank() || idToken.containsKey("acr")) {
            return this;
        }
        Map<String, Claim> withAcr = new LinkedHashMap<>(idToken);
        withAcr.put("acr", new Claim(false, null, List.<Object>copyOf(List.of(acrValues.strip().split(" +")))));
        return new ClaimsRequest(userinfo, withAcr);
    }

    public boolean isEmpty() {
        return userinfo.isEmpty() && idToken.isEmpty();
    }

    /**
     * The JSON to store, or {@code null} when nothing was requested.
     *
     * @throws dev.identityservice.core.error.OAuthException {@code invalid_request} when it exceeds
     *         {@link Limits#MAX_CLAIMS_REQUEST_CHARS}
     */
    public String toJson() {
        if (isEmpty()) {
            return null;
        }
        Map<String, Object> top = new LinkedHashMap<>();
        if (!userinfo.isEmpty()) {
            top.put("userinfo", members(userinfo));
        }
        if (!idToken.isEmpty()) {
            top.put("id_token", members(idToken));
        }
        String json = JSONObjectUtils.toJSONString(top);
        if (json.length() > Limits.MAX_CLAIMS_REQUEST_CHARS) {
            throw malformed("is too long");
        }
        return json;
    }

    private static Map<String, Object> members(Map<String, Claim> claims) {
        Map<String, Object> members = new LinkedHashMap<>();
        claims.forEach((name, claim) -> {
            Map<String, Object> request = new LinkedHashMap<>();
            if (claim.essential()) {
                request.put("essential", true);
            }
            if (claim.value() != null) {
                request.put("value", claim.value());
            }
            if (!claim.values().isEmpty()) {
                request.put("values", claim.values());
            }
            members.put(name, request.isEmpty() ? null : request);
        });
        return members;
    }

    private static Map<String, Claim> member(Map<String, Object> top, String name) {
        Object member = top.get(name);
        if (member == null) {
            return Map.of();
        }
        if (!(member instanceof Map<?, ?> requested)) {
            throw malformed("member '" + name + "' must be a JSON object");
        }
        Map<String, Claim> claims = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : requested.entrySet()) {
            String claim = String.valueOf(entry.getKey());
            Claim parsed = claim(name + "." + claim, entry.getValue());
            if (ProfileClaims.ALL.contains(claim) || AUTHENTICATION_CLAIMS.contains(claim)) {
                claims.put(claim, parsed);
            }
        }
        return claims;
    }

    /** §5.5.1: {@code null} (voluntary, default) or an object of {@code essential}, {@code value}, {@code values}. */
    private static Claim claim(String path, Object request) {
        if (request == null) {
            return Claim.VOLUNTARY;
        }
        if (!(request instanceof Map<?, ?> members)) {
            throw malformed("'" + path + "' must be null or a JSON object");
        }
        Object essential = members.get("essential");
        if (essential != null && !(essential instanceof Boolean)) {
            throw malformed("'" + path + ".essential' must be a boolean");
        }
        Object value = members.get("value");
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            throw malformed("'" + path + ".value' must be a single value");
        }
        Object values = members.get("values");
        if (values != null && !(values instanceof List<?>)) {
            throw malformed("'" + path + ".values' must be an array");
        }
        List<Object> list = values == null ? List.of() : List.copyOf(((List<?>) values).stream()
                .map(v -> (Object) v).filter(Objects::nonNull).toList());
        return new Claim(Boolean.TRUE.equals(essential), value, list);
    }

    /** The names of the claims requested for the UserInfo response. */
    public Set<String> userinfoNames() {
        return new LinkedHashSet<>(userinfo.keySet());
    }

    private static RuntimeException malformed(String what) {
        return OAuthError.invalidRequest("The claims parameter " + what).exception();
    }
}
