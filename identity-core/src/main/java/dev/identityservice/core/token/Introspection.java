package dev.identityservice.core.token;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An RFC 7662 §2.2 introspection response: {@code active}, and for active tokens the members that
 * describe it ({@code scope}, {@code client_id}, {@code username}, {@code token_type}, {@code exp},
 * {@code iat}, {@code nbf}, {@code sub}, {@code aud}, {@code iss}, {@code jti}, plus {@code roles}).
 */
public record Introspection(boolean active, Map<String, Object> members) {

    /** RFC 7662 §2.2: an inactive token reveals nothing but {@code active: false}. */
    public static final Introspection INACTIVE = new Introspection(false, Map.of("active", false));

    public Introspection {
        members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
    }

    static Introspection active(Map<String, Object> members) {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("active", true);
        members.forEach((name, value) -> {
            if (value != null) {
                all.put(name, value);
            }
        });
        return new Introspection(true, all);
    }
}
