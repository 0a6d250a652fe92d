package dev.identityservice.guard.servlet;

import dev.identityservice.guard.GuardConfig;
import java.util.List;
import java.util.Set;

/**
 * Which paths need no token and which need a role, matched like servlet URL patterns (Servlet 6.0
 * §12.2): {@code /exact}, {@code /prefix/*} (which also matches {@code /prefix}) and {@code /*}.
 * The first matching role rule applies.
 */
final class PathRules {

    private final String[] publicPatterns;
    private final String[] rolePatterns;
    private final Set<String>[] roles;

    @SuppressWarnings("unchecked")
    PathRules(List<String> publicPaths, List<GuardConfig.PathRoles> requiredRoles) {
        this.publicPatterns = publicPaths.toArray(new String[0]);
        this.rolePatterns = new String[requiredRoles.size()];
        this.roles = new Set[requiredRoles.size()];
        for (int i = 0; i < rolePatterns.length; i++) {
            rolePatterns[i] = requiredRoles.get(i).pathPattern();
            roles[i] = requiredRoles.get(i).anyOfRoles();
        }
    }

    boolean isPublic(String path) {
        for (String pattern : publicPatterns) {
            if (matches(pattern, path)) {
                return true;
            }
        }
        return false;
    }

    /** The roles one of which {@code path} requires, or null if it requires none. */
    Set<String> requiredRoles(String path) {
        for (int i = 0; i < rolePatterns.length; i++) {
            if (matches(rolePatterns[i], path)) {
                return roles[i];
            }
        }
        return null;
    }

    static boolean matches(String pattern, String path) {
        if (pattern.endsWith("/*")) {
            int stem = pattern.length() - 2;
            return path.startsWith(pattern.substring(0, stem))
                    && (path.length() == stem || path.charAt(stem) == '/');
        }
        return pattern.equals(path);
    }
}
