package dev.identityservice.guard.jwks;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Parses a JWK Set document (RFC 7517 §5) entry by entry. Nimbus's {@code JWKSet.parse} fails the
 * whole set when one entry is malformed; RFC 7517 §5 asks that an entry whose {@code kty} is unknown,
 * whose members are missing or invalid, or which cannot be used otherwise is ignored, so that one
 * bad key (an EC key without {@code y}, say) never disables the good keys beside it.
 */
final class JwkSetParser {

    private static final System.Logger LOG = System.getLogger(JwkSetParser.class.getName());

    private JwkSetParser() {
    }

    /**
     * The entries of {@code json} that parse as JWKs, in their order; the others are logged and left
     * out.
     *
     * @throws ParseException if the document is not a JSON object with a {@code keys} array
     */
    static JWKSet parse(String json) throws ParseException {
        Map<String, Object> document = JSONObjectUtils.parse(json);
        if (!(document.get("keys") instanceof List<?> entries)) {
            throw new ParseException("the JWK Set has no \"keys\" array", 0);
        }
        List<JWK> keys = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            Object entry = entries.get(i);
            if (!(entry instanceof Map<?, ?> members)) {
                LOG.log(System.Logger.Level.WARNING, "ignoring JWKS entry #" + i + ": not a JSON object");
                continue;
            }
            try {
                @SuppressWarnings("unchecked")
                Map<String, Object> object = (Map<String, Object>) members;
                keys.add(JWK.parse(object));
            } catch (ParseException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "ignoring JWKS entry #" + i + " (kid " + kidOf(members)
                        + "): " + e.getMessage());
            }
        }
        return new JWKSet(keys);
    }

    private static String kidOf(Map<?, ?> members) {
        return members.get("kid") instanceof String kid && kid.length() <= 64 ? kid : "?";
    }
}
