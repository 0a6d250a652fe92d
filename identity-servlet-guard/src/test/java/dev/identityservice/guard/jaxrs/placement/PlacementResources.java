package dev.identityservice.guard.jaxrs.placement;

import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import java.util.List;

/**
 * One resource per legal placement of {@code @RolesAllowed}, {@code @PermitAll} and {@code @DenyAll};
 * each answers "ok". The role that passes is always {@code reader}.
 */
public final class PlacementResources {

    private PlacementResources() {
    }

    /** Every resource class below, for a {@code ResourceConfig}. */
    public static List<Class<?>> all() {
        return List.of(OwnMethod.class, OwnClass.class, InterfaceMethod.class, InterfaceClass.class,
                SuperclassMethodOverridden.class, SuperclassMethodInherited.class, SuperclassClass.class,
                SuperInterfaceMethod.class, MethodPermitOverClassRoles.class, MethodRolesOverClassPermit.class,
                MethodRolesOverClassDeny.class, MethodDenyOverClassRoles.class,
                InterfaceMethodOverImplClassPermit.class, OverridePermitOverInterfaceRoles.class,
                InterfaceDeny.class, ClassDeny.class, GenericInterface.class, Unannotated.class);
    }

    /** {@link #all()} and the reviewer's {@link AttackPlacementResources}. */
    public static List<Class<?>> withAttacks() {
        List<Class<?>> classes = new java.util.ArrayList<>(all());
        classes.addAll(AttackPlacementResources.all());
        return classes;
    }

    @Path("/placement/own-method")
    public static class OwnMethod {
        @GET
        @RolesAllowed("reader")
        public String get() {
            return "ok";
        }
    }

    @Path("/placement/own-class")
    @RolesAllowed("reader")
    public static class OwnClass {
        @GET
        public String get() {
            return "ok";
        }
    }

    public interface ReaderApi {
        @GET
        @RolesAllowed("reader")
        String get();
    }

    /** The reported bypass: the interface method carries the roles, the implementation nothing. */
    @Path("/placement/interface-method")
    public static class InterfaceMethod implements ReaderApi {
        @Override
        public String get() {
            return "ok";
        }
    }

    @RolesAllowed("reader")
    public interface GuardedApi {
        @GET
        String get();
    }

    @Path("/placement/interface-class")
    public static class InterfaceClass implements GuardedApi {
        @Override
        public String get() {
            return "ok";
        }
    }

    public abstract static class ReaderBase {
        @GET
        @RolesAllowed("reader")
        public String get() {
            return "ok";
        }
    }

    @Path("/placement/superclass-method-overridden")
    public static class SuperclassMethodOverridden extends ReaderBase {
        @Override
        public String get() {
            return "ok";
        }
    }

    @Path("/placement/superclass-method-inherited")
    public static class SuperclassMethodInherited extends ReaderBase {
    }

    @RolesAllowed("reader")
    public abstract static class GuardedBase {
        @GET
        public String get() {
            return "ok";
        }
    }

    @Path("/placement/superclass-class")
    public static class SuperclassClass extends GuardedBase {
    }

    public interface ExtendedReaderApi extends ReaderApi {
    }

    @Path("/placement/super-interface-method")
    public static class SuperInterfaceMethod implements ExtendedReaderApi {
        @Override
        public String get() {
            return "ok";
        }
    }

    @Path("/placement/method-permit-over-class-roles")
    @RolesAllowed("reader")
    public static class MethodPermitOverClassRoles {
        @GET
        @PermitAll
        public String get() {
            return "ok";
        }
    }

    @Path("/placement/method-roles-over-class-permit")
    @PermitAll
    public static class MethodRolesOverClassPermit {
        @GET
        @RolesAllowed("reader")
        public String get() {
            return "ok";
        }
    }

    @Path("/placement/method-roles-over-class-deny")
    @DenyAll
    public static class MethodRolesOverClassDeny {
        @GET
        @RolesAllowed("reader")
        public String get() {
            return "ok";
        }
    }

    @Path("/placement/method-deny-over-class-roles")
    @RolesAllowed("reader")
    public static class MethodDenyOverClassRoles {
        @GET
        @DenyAll
        public String get() {
            return "ok";
        }
    }

    /** Method level beats class level even when the method level sits on the interface. */
    @Path("/placement/interface-method-over-impl-class-permit")
    @PermitAll
    public static class InterfaceMethodOverImplClassPermit implements ReaderApi {
        @Override
        public String get() {
            return "ok";
        }
    }

    /** An overriding method's own annotation beats the one it overrides. */
    @Path("/placement/override-permit-over-interface-roles")
    public static class OverridePermitOverInterfaceRoles implements ReaderApi {
        @Override
        @PermitAll
        public String get() {
            return "ok";
        }
    }

    public interface DeniedApi {
        @GET
        @DenyAll
        String get();
    }

    @Path("/placement/interface-deny")
    @RolesAllowed("reader")
    public static class InterfaceDeny implements DeniedApi {
        @Override
        public String get() {
            return "ok";
        }
    }

    @Path("/placement/class-deny")
    @DenyAll
    public static class ClassDeny {
        @GET
        public String get() {
            return "ok";
        }
    }

    public interface Lookup<T> {
        @GET
        @Path("{id}")
        @RolesAllowed("reader")
        String find(@PathParam("id") T id);
    }

    /** A generic interface method, erased to {@code Object}, implemented with {@code String}. */
    @Path("/placement/generic-interface")
    public static class GenericInterface implements Lookup<String> {
        @Override
        public String find(String id) {
            return "ok";
        }
    }

    @Path("/placement/unannotated")
    public static class Unannotated {
        @GET
        public String get() {
            return "ok";
        }
    }
}
