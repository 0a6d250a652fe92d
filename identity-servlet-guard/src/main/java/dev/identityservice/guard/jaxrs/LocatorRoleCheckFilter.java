package dev.identityservice.guard.jaxrs;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Enforces {@code @RolesAllowed}, {@code @DenyAll} and {@code @PermitAll} on the sub-resource locators
 * a request went through (JAX-RS 3.1 §3.4.1), resolved like a resource method's ({@link
 * RoleRequirement}): a caller must satisfy every locator on the way as well as the resource method.
 *
 * <p>Why reflection: the JAX-RS API does not say which locators matched; Jersey's {@code
 * ExtendedUriInfo.getMatchedResourceLocators()} does, and this filter reads it without making the
 * guard depend on Jersey. On another runtime it finds no locators and does nothing. JAX-RS invokes a
 * locator while matching, before any post-matching filter: the locator's own code has run by the
 * time this filter refuses the request; only the located resource method is kept from the caller.
 */
@Priority(Priorities.AUTHORIZATION)
final class LocatorRoleCheckFilter implements ContainerRequestFilter {

    private final String realm;
    private final Map<Method, RoleRequirement> requirements = new ConcurrentHashMap<>();

    LocatorRoleCheckFilter(String realm) {
        this.realm = realm;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        for (Object locator : matchedLocators(request.getUriInfo())) {
            RoleRequirement requirement = requirementOf(locator);
            if (!requirement.open() && !RoleCheckFilter.check(requirement.anyOfRoles(), realm, request)) {
                return;
            }
        }
    }

    /** Per UriInfo class, Jersey's getter of the matched locators; empty on another runtime. Looked up once. */
    private static final ClassValue<java.util.Optional<Method>> LOCATORS_GETTER = new ClassValue<>() {
        @Override
        protected java.util.Optional<Method> computeValue(Class<?> type) {
            try {
                return java.util.Optional.of(publicGetter(type, "getMatchedResourceLocators"));
            } catch (NoSuchMethodException notJersey) {
                return java.util.Optional.empty();
            }
        }
    };

    private static List<?> matchedLocators(Object uriInfo) {
        java.util.Optional<Method> getter = LOCATORS_GETTER.get(uriInfo.getClass());
        if (getter.isEmpty()) {
            return List.of();
        }
        try {
            return getter.get().invoke(uriInfo) instanceof List<?> list ? list : List.of();
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot read the matched sub-resource locators", e);
        }
    }

    /** Reads {@code ResourceMethod.getInvocable()}'s handling method and handler class. */
    private RoleRequirement requirementOf(Object resourceMethod) {
        try {
            Object invocable = publicGetter(resourceMethod, "getInvocable").invoke(resourceMethod);
            Method locator = (Method) publicGetter(invocable, "getHandlingMethod").invoke(invocable);
            Object handler = publicGetter(invocable, "getHandler").invoke(invocable);
            Class<?> type = (Class<?>) publicGetter(handler, "getHandlerClass").invoke(handler);
            return requirements.computeIfAbsent(locator, m -> RoleRequirement.of(type, m));
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Fail closed: a locator whose requirement cannot be read lets nobody through.
            return RoleRequirement.DENY_ALL;
        }
    }

    /**
     * A no-argument public method of {@code target}, looked up on a public class it extends: Jersey's
     * implementations are often private nested classes, whose methods reflection may not call.
     */
    private static Method publicGetter(Object target, String name) throws NoSuchMethodException {
        return publicGetter(target.getClass(), name);
    }

    private static Method publicGetter(Class<?> type, String name) throws NoSuchMethodException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (java.lang.reflect.Modifier.isPublic(c.getModifiers())) {
                try {
                    return c.getMethod(name);
                } catch (NoSuchMethodException tryTheSuperclass) {
                    // a public superclass may declare it
                }
            }
        }
        throw new NoSuchMethodException(name);
    }
}
