package dev.identityservice.core.grant;

import dev.identityservice.core.client.Client;
import dev.identityservice.core.error.OAuthError;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/** Parses and checks the {@code scope} parameter (RFC 6749 §3.3). */
public final class Scopes {

    /** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
    private static final Pattern SCOPE_TOKEN = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");

    private Scopes() {
    }

    /**
     * The scopes to grant: the requested ones, each registered for the client ({@code invalid_scope}
     * otherwise), or all of the client's registered scopes when none was requested.
     */
    public static Set<String> grantable(Client client, String requested) {
        if (requested == null) {
            return client.scopes();
        }
        Set<String> scopes = parse(requested);
        for (String scope : scopes) {
            if (!client.scopes().contains(scope)) {
                throw OAuthError.invalidScope("Scope '" + scope + "' is not allowed for this client").exception();
            }
        }
        return scopes;
    }

    /** Narrows {@code granted} to {@code requested} (a refresh may only ask for less, RFC 6749 §6). */
    public static Set<String> narrowed(Set<String> granted, String requested) {
        if (requested == null) {
            return granted;
        }
        Set<String> scopes = parse(requested);
        if (!granted.containsAll(scopes)) {
            throw OAuthError.invalidScope("A refresh cannot add scopes to the original grant").exception();
        }
        return scopes;
    }

    public static Set<String> parse(String value) {
        Set<String> scopes = new LinkedHashSet<>();
        for (String token : value.split(" ")) {
            if (token.isEmpty()) {
                continue;
            }
            if (!SCOPE_TOKEN.matcher(token).matches()) {
                throw OAuthError.invalidScope("Malformed scope").exception();
            }
            scopes.add(token);
        }
        return scopes;
    }
}
