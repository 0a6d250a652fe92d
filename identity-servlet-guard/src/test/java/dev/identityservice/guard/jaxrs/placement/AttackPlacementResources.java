package dev.identityservice.guard.jaxrs.placement;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import java.util.List;

/**
 * Placements a reviewer tried against the resolution rules: overloads that are not overrides,
 * class-level annotations on a superclass under a differently annotated subclass, bridge methods,
 * default interface methods, conflicting interfaces and sub-resource locators. Each answers "ok";
 * the role that passes is {@code reader}.
 */
public final class AttackPlacementResources {

    private AttackPlacementResources() {
    }

    /** Every resource class below, for a {@code ResourceConfig}. */
    public static List<Class<?>> all() {
        return List.of(OverloadNotOverride.class, PermitSubclassOfRolesClass.class, CovariantBridge.class,
                DefaultInterfaceMethod.class, EmptyRolesAllowed.class, LocatorWithRoles.class, OpenLocator.class,
                ConflictingInterfaces.class, ConflictingInterfacesReversed.class, OptionsHandler.class);
    }

    /** A superclass overload that merely shares the name: it is not the resource method. */
    public static class OverloadBase {
        @PermitAll
        public String find(Object anything) {
            return "base";
        }
    }

    /** The class requires {@code reader}; {@code find(String)} overrides nothing and inherits it. */
    @Path("/placement/overload-not-override")
    @RolesAllowed("reader")
    public static class OverloadNotOverride extends OverloadBase {
        @GET
        public String find(@QueryParam("q") String q) {
            return "ok";
        }
    }

    /** Class level applies to the methods this class declares (Jakarta Annotations §2.1). */
    @RolesAllowed("reader")
    public abstract static class RolesClassBase {
        @GET
        public String get() {
            return "ok";
        }
    }

    /**
     * A subclass's class-level {@code @PermitAll} never affects a member declared by its superclass
     * (Jakarta Annotations 2.1 §2.1): the inherited {@code get()} still requires {@code reader}.
     */
    @Path("/placement/permit-subclass-of-roles-class")
    @PermitAll
    public static class PermitSubclassOfRolesClass extends RolesClassBase {
    }

    public abstract static class GenericReaderBase<T> {
        @GET
        @RolesAllowed("reader")
        public abstract T get();
    }

    /** A covariant override of a generic superclass method: javac adds a bridge method. */
    @Path("/placement/covariant-bridge")
    public static class CovariantBridge extends GenericReaderBase<String> {
        @Override
        public String get() {
            return "ok";
        }
    }

    public interface DefaultReaderApi {
        @GET
        @RolesAllowed("reader")
        default String get() {
            return "ok";
        }
    }

    /** The resource method is the interface's default method itself. */
    @Path("/placement/default-interface-method")
    public static class DefaultInterfaceMethod implements DefaultReaderApi {
    }

    /** {@code @RolesAllowed({})}: no role allows it, so nobody may call it. */
    @Path("/placement/empty-roles-allowed")
    public static class EmptyRolesAllowed {
        @GET
        @RolesAllowed({})
        public String get() {
            return "ok";
        }
    }

    /** The sub-resource class a locator returns; it carries no annotation of its own. */
    public static class LocatedResource {
        @GET
        public String get() {
            return "ok";
        }
    }

    /** {@code @RolesAllowed} on a sub-resource locator: the located resource's methods need the role. */
    @Path("/placement/locator")
    public static class LocatorWithRoles {
        @Path("sub")
        @RolesAllowed("reader")
        public LocatedResource sub() {
            return new LocatedResource();
        }
    }

    /** An unannotated locator: the located resource stays open. */
    @Path("/placement/open-locator")
    public static class OpenLocator {
        @Path("sub")
        public LocatedResource sub() {
            return new LocatedResource();
        }
    }

    public interface PermitApi {
        @GET
        @PermitAll
        String get();
    }

    public interface ReaderOnlyApi {
        @GET
        @RolesAllowed("reader")
        String get();
    }

    /** Two interfaces disagree about the same method: the order of the implements clause must not open it. */
    @Path("/placement/conflicting-interfaces")
    public static class ConflictingInterfaces implements PermitApi, ReaderOnlyApi {
        @Override
        public String get() {
            return "ok";
        }
    }

    @Path("/placement/conflicting-interfaces-reversed")
    public static class ConflictingInterfacesReversed implements ReaderOnlyApi, PermitApi {
        @Override
        public String get() {
            return "ok";
        }
    }

    /** An application's own OPTIONS handler that returns data, in a class that needs {@code reader}. */
    @Path("/placement/options-handler")
    @RolesAllowed("reader")
    public static class OptionsHandler {
        @GET
        public String get() {
            return "ok";
        }

        @OPTIONS
        public String options() {
            return "secret-options-data";
        }
    }
}
