package dev.identityservice.guard.verify;

import dev.identityservice.guard.error.InvalidTokenException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads roles from configured claim paths: {@code roles} (RFC 9068 §7.2.1.1), {@code groups}
 * (MicroProfile JWT), {@code realm_access.roles} and {@code resource_access.<client>.roles}
 * (Keycloak), {@code scope} and {@code scp}. A path names nested objects with dots. A list must hold
 * only strings; {@code scope}/{@code scp} may be a space-separated string (RFC 8693 §4.2). A bare
 * string in any other roles claim ({@code "roles": "user"}) rejects the token, as its type is wrong,
 * unless configured to be read as one role for issuers known to send that. A claim of any other type
 * rejects the token rather than silently granting nothing.
 */
public final class RolesExtractor {

    private final String[][] paths;
    private final String[] pathNames;
    private final String prefix;
    private final boolean acceptString;

    /**
     * @param claimPaths   the claim paths holding roles
     * @param prefix       prepended to every role
     * @param acceptString whether a bare string outside {@code scope}/{@code scp} is one role
     */
    public RolesExtractor(List<String> claimPaths, String prefix, boolean acceptString) {
        this.acceptString = acceptString;
        this.paths = new String[claimPaths.size()][];
        this.pathNames = claimPaths.toArray(new String[0]);
        for (int i = 0; i < paths.length; i++) {
            paths[i] = claimPaths.get(i).split("\\.");
        }
        this.prefix = prefix;
    }

    /** The roles a claim set grants, each with the prefix; an immutable set. */
    public Set<String> rolesOf(Map<String, Object> claims) throws InvalidTokenException {
        List<String> roles = new ArrayList<>();
        for (int p = 0; p < paths.length; p++) {
            Object value = valueAt(claims, paths[p], pathNames[p]);
            if (value != null) {
                collect(value, paths[p][paths[p].length - 1], pathNames[p], roles);
            }
        }
        return distinct(roles);
    }

    /** The scopes of a claim set, from {@code scope} (RFC 8693 §4.2) or {@code scp}; an immutable set. */
    static Set<String> scopesOf(Map<String, Object> claims) throws InvalidTokenException {
        List<String> scopes = new ArrayList<>();
        Object scope = claims.get("scope");
        if (scope != null) {
            addStrings(scope, true, "scope", "", scopes);
        }
        Object scp = claims.get("scp");
        if (scp != null) {
            addStrings(scp, true, "scp", "", scopes);
        }
        return distinct(scopes);
    }

    /**
     * The distinct items as an immutable set, which {@code VerifiedToken} keeps without a copy. A token names a few
     * roles, compared pairwise; a long list goes through hashing so that it stays linear.
     */
    private static Set<String> distinct(List<String> items) {
        int size = items.size();
        if (size > 16) {
            return Set.copyOf(items);
        }
        String[] unique = new String[size];
        int count = 0;
        next:
        for (int i = 0; i < size; i++) {
            String item = items.get(i);
            for (int j = 0; j < count; j++) {
                if (unique[j].equals(item)) {
                    continue next;
                }
            }
            unique[count++] = item;
        }
        return Set.of(count == size ? unique : Arrays.copyOf(unique, count));
    }

    private void collect(Object value, String leaf, String pathName, List<String> roles) throws InvalidTokenException {
        boolean spaceSeparated = "scope".equals(leaf) || "scp".equals(leaf);
        if (value instanceof String && !spaceSeparated && !acceptString) {
            throw wrongType(pathName);
        }
        addStrings(value, spaceSeparated, pathName, prefix, roles);
    }

    private static void addStrings(Object value, boolean spaceSeparated, String pathName, String prefix,
            List<String> into) throws InvalidTokenException {
        if (value instanceof String text) {
            if (!spaceSeparated) {
                into.add(prefixed(prefix, text));
                return;
            }
            for (int start = 0, end; start < text.length(); start = end + 1) {
                end = text.indexOf(' ', start);
                if (end < 0) {
                    end = text.length();
                }
                if (end > start) {
                    into.add(prefixed(prefix, text.substring(start, end)));
                }
            }
            return;
        }
        if (value instanceof List<?> list) {
            for (Object item : list) {
                if (!(item instanceof String role)) {
                    throw wrongType(pathName);
                }
                into.add(prefixed(prefix, role));
            }
            return;
        }
        throw wrongType(pathName);
    }

    private static String prefixed(String prefix, String role) {
        return prefix.isEmpty() ? role : prefix + role; // no copy per role when, as usual, there is no prefix
    }

    private static Object valueAt(Map<String, Object> claims, String[] path, String pathName)
            throws InvalidTokenException {
        Object current = claims;
        for (String segment : path) {
            if (current == null) {
                return null;
            }
            if (!(current instanceof Map<?, ?> object)) {
                throw wrongType(pathName);
            }
            current = object.get(segment);
        }
        return current;
    }

    private static InvalidTokenException wrongType(String pathName) {
        return InvalidTokenException.invalidToken("claim " + pathName + " is not a list of strings");
    }
}
