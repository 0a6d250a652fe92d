package dev.identityservice.guard.jaxrs;

import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a resource method requires of its caller, resolved once from {@code @DenyAll}, {@code
 * @RolesAllowed} and {@code @PermitAll} (Jakarta Annotations 2.1 §3.7–3.9) wherever JAX-RS lets them
 * sit.
 *
 * <p>Resolution, nearest first, so that no placement a JAX-RS user may choose is silently ignored:
 * <ol>
 *   <li>method level: the resource class's implementation of the method, then the methods it
 *       overrides or implements, superclasses before interfaces (the order of JAX-RS 3.1 §3.6
 *       annotation inheritance); the first class carrying any of the three annotations decides,
 *       else the strictest of the interfaces that do;</li>
 *   <li>class level, only when no method level annotation exists: first the class that declares
 *       the implementation and its supertypes (a class-level annotation never affects a member a
 *       superclass declares, Jakarta Annotations 2.1 §2.1, so a subclass's {@code @PermitAll}
 *       does not open an inherited method of a {@code @RolesAllowed} superclass); if they carry
 *       none, the resource class, then its superclasses, then its interfaces, breadth first;</li>
 *   <li>otherwise the method is open.</li>
 * </ol>
 * Interface methods rank after every class's; when several unrelated interfaces annotate the
 * method, the strictest of them holds, whatever the order of the {@code implements} clause.
 * A method-level annotation therefore wins over any class-level one (Jakarta Annotations §2.10,
 * §2.11), an overriding method's annotation over the overridden one, and an interface method's
 * {@code @RolesAllowed} is honoured when its implementation carries none. Where one element carries
 * more than one of them, which the specification forbids, the most restrictive one holds: {@code
 * @DenyAll}, then {@code @RolesAllowed}, then {@code @PermitAll}.
 *
 * <p>Why our own: Jersey's {@code RolesAllowedDynamicFeature} reads only the method it is given and
 * the resource class itself, and answers 403 to an anonymous caller; we answer 401 there.
 *
 * @param anyOfRoles the roles of which the caller needs one; empty for {@code @DenyAll}; null for an
 *                   open method
 */
record RoleRequirement(String[] anyOfRoles) {

    static final RoleRequirement OPEN = new RoleRequirement(null);
    static final RoleRequirement DENY_ALL = new RoleRequirement(new String[0]);

    /** Whether any caller, even anonymous, may call the method. */
    boolean open() {
        return anyOfRoles == null;
    }

    /**
     * Resolves what calling {@code method} on an instance of {@code resourceClass} requires.
     *
     * @param resourceClass the class JAX-RS instantiates (the resource or sub-resource class)
     * @param method        the resource method as JAX-RS reports it: the implementation or the
     *                      annotated interface or superclass method it overrides
     */
    static RoleRequirement of(Class<?> resourceClass, Method method) {
        List<Class<?>> hierarchy = hierarchyOf(resourceClass);
        if (!hierarchy.contains(method.getDeclaringClass())) {
            hierarchy.addAll(hierarchyOf(method.getDeclaringClass()));
        }
        List<Class<?>> annotatingInterfaces = new ArrayList<>();
        List<RoleRequirement> interfaceRequirements = new ArrayList<>();
        for (Class<?> type : hierarchy) {
            Method declared = declaredOverride(type, method);
            RoleRequirement found = declared == null ? null : annotatedOn(declared);
            if (found != null && !type.isInterface()) {
                return found;
            }
            if (found != null) {
                annotatingInterfaces.add(type);
                interfaceRequirements.add(found);
            }
        }
        if (!annotatingInterfaces.isEmpty()) {
            return strictestOf(annotatingInterfaces, interfaceRequirements);
        }
        // Class level: first the class that declares the method that runs, and its supertypes, since a
        // class-level annotation never affects members a superclass declares (Jakarta Annotations 2.1
        // §2.1): a subclass's @PermitAll must not open a method its @RolesAllowed superclass declares.
        Class<?> declaring = implementingClass(resourceClass, method);
        if (declaring != null && declaring != resourceClass) {
            RoleRequirement found = classLevel(hierarchyOf(declaring));
            if (found != null) {
                return found;
            }
        }
        RoleRequirement found = classLevel(hierarchy);
        return found == null ? OPEN : found;
    }

    private static RoleRequirement classLevel(List<Class<?>> hierarchy) {
        for (Class<?> type : hierarchy) {
            RoleRequirement found = annotatedOn(type);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /** The nearest class (not interface) from {@code resourceClass} up that declares {@code method}; null if none. */
    private static Class<?> implementingClass(Class<?> resourceClass, Method method) {
        for (Class<?> c = resourceClass; c != null && c != Object.class; c = c.getSuperclass()) {
            if (declaredOverride(c, method) != null) {
                return c;
            }
        }
        return null;
    }

    /**
     * What interface methods that are all implemented by one resource method require together. An
     * interface method overridden by a sub-interface's yields to it; of unrelated interfaces, which
     * the implements clause lists first must not decide, so the strictest holds: {@code @DenyAll},
     * else the roles every {@code @RolesAllowed} allows (none in common: nobody), else open.
     */
    private static RoleRequirement strictestOf(List<Class<?>> interfaces, List<RoleRequirement> requirements) {
        Set<String> common = null;
        for (int i = 0; i < interfaces.size(); i++) {
            boolean overridden = false;
            for (Class<?> other : interfaces) {
                overridden |= other != interfaces.get(i) && interfaces.get(i).isAssignableFrom(other);
            }
            RoleRequirement requirement = requirements.get(i);
            if (overridden || requirement.open()) {
                continue;
            }
            if (requirement.anyOfRoles().length == 0) {
                return DENY_ALL;
            }
            if (common == null) {
                common = new LinkedHashSet<>(List.of(requirement.anyOfRoles()));
            } else {
                common.retainAll(List.of(requirement.anyOfRoles()));
            }
        }
        return common == null ? OPEN : new RoleRequirement(common.toArray(String[]::new));
    }

    /** The requirement one element states, or null if it carries none of the annotations. */
    private static RoleRequirement annotatedOn(AnnotatedElement element) {
        if (element.isAnnotationPresent(DenyAll.class)) {
            return DENY_ALL;
        }
        RolesAllowed roles = element.getAnnotation(RolesAllowed.class);
        if (roles != null) {
            return new RoleRequirement(roles.value().clone());
        }
        return element.isAnnotationPresent(PermitAll.class) ? OPEN : null;
    }

    /**
     * The class, its superclasses (nearest first), then every interface breadth first: the order in
     * which JAX-RS inherits annotations.
     */
    private static List<Class<?>> hierarchyOf(Class<?> start) {
        List<Class<?>> classes = new ArrayList<>();
        for (Class<?> c = start; c != null && c != Object.class; c = c.getSuperclass()) {
            classes.add(c);
        }
        Set<Class<?>> interfaces = new LinkedHashSet<>();
        Deque<Class<?>> queue = new ArrayDeque<>();
        for (Class<?> c : classes) {
            queue.addAll(List.of(c.getInterfaces()));
        }
        while (!queue.isEmpty()) {
            Class<?> next = queue.removeFirst();
            if (interfaces.add(next)) {
                queue.addAll(List.of(next.getInterfaces()));
            }
        }
        List<Class<?>> all = new ArrayList<>(classes);
        all.addAll(interfaces);
        return all;
    }

    /**
     * The method {@code type} declares that {@code method} is, overrides or implements: same name and
     * parameter count, and parameter types equal or, where one side declares a generic parameter
     * erased to a wider type, assignable to it (a plain overload with a wider parameter is not an
     * override); an exact match is preferred. Null if none.
     */
    private static Method declaredOverride(Class<?> type, Method method) {
        Method loose = null;
        for (Method candidate : type.getDeclaredMethods()) {
            if (candidate.isBridge() || candidate.isSynthetic() || Modifier.isStatic(candidate.getModifiers())
                    || Modifier.isPrivate(candidate.getModifiers())
                    || !candidate.getName().equals(method.getName())
                    || candidate.getParameterCount() != method.getParameterCount()) {
                continue;
            }
            Class<?>[] theirs = candidate.getParameterTypes();
            Class<?>[] ours = method.getParameterTypes();
            Type[] theirsDeclared = candidate.getGenericParameterTypes();
            Type[] oursDeclared = method.getGenericParameterTypes();
            boolean exact = true;
            boolean compatible = true;
            for (int i = 0; i < ours.length; i++) {
                if (theirs[i] != ours[i]) {
                    exact = false;
                    // Only a generic parameter erased to a wider type can make an override with another
                    // erasure; a plain overload such as find(Object) beside find(String) is another
                    // method, whose annotations must not decide for this one.
                    compatible &= (theirs[i].isAssignableFrom(ours[i]) && !(theirsDeclared[i] instanceof Class))
                            || (ours[i].isAssignableFrom(theirs[i]) && !(oursDeclared[i] instanceof Class));
                }
            }
            if (exact) {
                return candidate;
            }
            if (compatible && loose == null) {
                loose = candidate;
            }
        }
        return loose;
    }
}
