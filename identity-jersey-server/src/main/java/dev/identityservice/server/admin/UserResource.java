package dev.identityservice.server.admin;

import dev.identityservice.core.IdentityEngine;
import dev.identityservice.core.event.SecurityEventType;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.user.User;
import dev.identityservice.core.user.UserChangedConcurrentlyException;
import dev.identityservice.core.user.Usernames;
import dev.identityservice.server.http.RequestTenant;
import dev.identityservice.server.setup.SetupFile.UserEntry;
import dev.identityservice.server.setup.SetupImporter;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Users of the request's tenant: create, list (paged), read, patch, set password, disable, delete and revoke
 * every token of a user. The create body is the import file's user entry.
 */
@Path("admin/users")
@RolesAllowed(AdminGuard.ADMIN_ROLE)
public final class UserResource {

    /** The list filter: a username prefix. */
    static final String USERNAME_FILTER = "username";

    private final IdentityEngine engine;

    UserResource(IdentityEngine engine) {
        this.engine = engine;
    }

    @POST
    public Response create(@Context ContainerRequestContext request, @Context UriInfo uri, InputStream body) {
        Tenant tenant = RequestTenant.of(request);
        UserEntry entry = AdminJson.read(request, body, UserEntry.class);
        requireSameTenant(tenant, entry.tenant());
        if (entry.username() == null || entry.username().isBlank()) {
            throw AdminErrors.invalid("username is required");
        }
        if (entry.password() != null && entry.passwordHash() != null) {
            throw AdminErrors.invalid("Give password or passwordHash, not both");
        }
        if (engine.users().findByUsername(tenant.id(), entry.username()).isPresent()) {
            throw AdminErrors.conflict("username '" + entry.username() + "' is taken");
        }
        if (entry.passwordHash() != null) {
            try {
                engine.passwordHasher().requireAtLeastCurrentStrength(entry.passwordHash());
            } catch (IllegalArgumentException weak) {
                throw AdminErrors.invalid(weak);
            }
        }
        User user;
        try {
            user = engine.userRegistration().register(tenant.id(), entry.username(),
                    entry.password() == null ? null : entry.password().toCharArray(), SetupImporter.profile(entry.profile()),
                    entry.roles() == null ? Set.of() : Set.copyOf(entry.roles()),
                    entry.attributes() == null ? Map.of() : entry.attributes());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw AdminErrors.invalid(e);
        } catch (IllegalStateException taken) {
            throw AdminErrors.conflict("username '" + entry.username() + "' is taken");
        }
        if (entry.passwordHash() != null || Boolean.FALSE.equals(entry.enabled())) {
            Instant now = engine.clock().instant();
            boolean enabled = !Boolean.FALSE.equals(entry.enabled());
            user = modify(tenant, user.id(), u -> (entry.passwordHash() != null
                    ? engine.userRegistration().withImportedHash(u, entry.passwordHash()) : u).withEnabled(enabled, now));
        }
        return AdminJson.created(uri.getAbsolutePathBuilder().path(user.id()).build(), UserView.of(user));
    }

    /**
     * One page of the tenant's users ordered by username; with {@code username}, only those whose username starts
     * with it, compared as usernames are (case-insensitive, RFC 8265 §3.3). Other query parameters are a 400.
     */
    @GET
    public Response list(@Context ContainerRequestContext request, @Context UriInfo uri) {
        Tenant tenant = RequestTenant.of(request);
        return AdminJson.ok(Page.load(uri, Set.of(USERNAME_FILTER), (filters, offset, limit) -> filters.containsKey(USERNAME_FILTER)
                ? engine.users().search(tenant.id(), searchable(filters.get(USERNAME_FILTER)), offset, limit)
                : engine.users().list(tenant.id(), offset, limit), UserView::of));
    }

    /**
     * The prefix, refused with a 400 when its key form ({@link Usernames#key}) is empty, as for spaces only: the
     * stores search by a non-empty key prefix only (the empty one would be the whole list, under another name).
     */
    private static String searchable(String prefix) {
        if (Usernames.key(prefix).isEmpty()) {
            throw AdminErrors.invalid("Query parameter '" + USERNAME_FILTER + "' must hold more than spaces");
        }
        return prefix;
    }

    @GET
    @Path("{id}")
    public Response get(@Context ContainerRequestContext request, @PathParam("id") String id) {
        return AdminJson.ok(UserView.of(find(RequestTenant.of(request), id)));
    }

    @PATCH
    @Path("{id}")
    public Response patch(@Context ContainerRequestContext request, @PathParam("id") String id, InputStream body) {
        Tenant tenant = RequestTenant.of(request);
        UserPatch patch = AdminJson.read(request, body, UserPatch.class);
        Instant now = engine.clock().instant();
        // Applied to a fresh copy on every attempt (see modify), so a concurrent disable or demotion is kept.
        UnaryOperator<User> change = user -> {
            if (patch.roles() != null) {
                user = user.withRoles(Set.copyOf(patch.roles()), now);
            }
            if (patch.profile() != null || patch.attributes() != null) {
                user = user.withProfile(patch.profile() != null ? SetupImporter.profile(patch.profile()) : user.profile(),
                        patch.attributes() != null ? patch.attributes() : user.attributes(), now);
            }
            return patch.enabled() != null ? user.withEnabled(patch.enabled(), now) : user;
        };
        User user;
        try {
            user = modify(tenant, id, change);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw AdminErrors.invalid(e);
        }
        if (Boolean.FALSE.equals(patch.enabled())) {
            engine.revoker().revokeAllOfUser(tenant.id(), user.id(), SecurityEventType.ACCOUNT_DISABLED);
        }
        return AdminJson.ok(UserView.of(find(tenant, id)));
    }

    /** Sets a new password and ends every login session, refresh token and access token of the user. */
    @POST
    @Path("{id}/password")
    public Response setPassword(@Context ContainerRequestContext request, @PathParam("id") String id, InputStream body) {
        Tenant tenant = RequestTenant.of(request);
        PasswordChange change = AdminJson.read(request, body, PasswordChange.class);
        if (change.password() == null) {
            throw AdminErrors.invalid("password is required");
        }
        User user = find(tenant, id);
        try {
            engine.userRegistration().changePassword(user, change.password().toCharArray());
        } catch (IllegalArgumentException e) {
            throw AdminErrors.invalid(e);
        } catch (UserChangedConcurrentlyException busy) {
            throw conflict(id);
        } catch (IllegalStateException deletedMeanwhile) {
            throw AdminErrors.notFound("No user '" + id + "'");
        }
        // A reset is how an administrator answers a stolen password: whoever holds a session or a token
        // obtained with the old one must log in again.
        engine.revoker().revokeAllOfUser(tenant.id(), user.id());
        return Response.noContent().build();
    }

    /** Disables the user and revokes every token: disabling is how an administrator cuts access now. */
    @POST
    @Path("{id}/disable")
    public Response disable(@Context ContainerRequestContext request, @PathParam("id") String id) {
        return setEnabled(RequestTenant.of(request), id, false);
    }

    @POST
    @Path("{id}/enable")
    public Response enable(@Context ContainerRequestContext request, @PathParam("id") String id) {
        return setEnabled(RequestTenant.of(request), id, true);
    }

    private Response setEnabled(Tenant tenant, String id, boolean enabled) {
        Instant now = engine.clock().instant();
        User user = modify(tenant, id, u -> u.withEnabled(enabled, now));
        if (!enabled) {
            engine.revoker().revokeAllOfUser(tenant.id(), user.id(), SecurityEventType.ACCOUNT_DISABLED);
            user = find(tenant, id); // the revocation moved tokensValidAfter
        }
        return AdminJson.ok(UserView.of(user));
    }

    /** Revokes every refresh token, session and access token of the user (RFC 7009 has no per-user form). */
    @POST
    @Path("{id}/revoke-tokens")
    public Response revokeTokens(@Context ContainerRequestContext request, @PathParam("id") String id) {
        Tenant tenant = RequestTenant.of(request);
        User user = find(tenant, id);
        engine.revoker().revokeAllOfUser(tenant.id(), user.id());
        return Response.noContent().build();
    }

    /** Deletes the user after revoking their tokens, so nothing issued to them outlives the account. */
    @DELETE
    @Path("{id}")
    public Response delete(@Context ContainerRequestContext request, @PathParam("id") String id) {
        Tenant tenant = RequestTenant.of(request);
        User user = find(tenant, id);
        // The purge event goes with the revocation, before the delete: should the delete fail, the tokens are revoked
        // anyway, and a receiver denying them errs on the safe side.
        engine.revoker().revokeAllOfUser(tenant.id(), user.id(), SecurityEventType.ACCOUNT_PURGED);
        if (!engine.users().delete(tenant.id(), user.id())) {
            throw AdminErrors.notFound("No user '" + id + "'");
        }
        return Response.noContent().build();
    }

    /**
     * {@link dev.identityservice.core.user.UserStore#modify}: the change is re-applied to a fresh copy when another
     * write came in between; 404 when there is no such user, 409 {@code conflict} when every attempt met one.
     */
    private User modify(Tenant tenant, String id, UnaryOperator<User> change) {
        try {
            return engine.users().modify(tenant.id(), id, change).orElseThrow(() -> AdminErrors.notFound("No user '" + id + "'"));
        } catch (UserChangedConcurrentlyException busy) {
            throw conflict(id);
        }
    }

    private static RuntimeException conflict(String id) {
        return AdminErrors.conflict("user '" + id + "' is being changed concurrently; read it again and retry");
    }

    private User find(Tenant tenant, String id) {
        return engine.users().findById(tenant.id(), id).orElseThrow(() -> AdminErrors.notFound("No user '" + id + "'"));
    }

    static void requireSameTenant(Tenant tenant, String bodyTenant) {
        if (bodyTenant != null && !bodyTenant.equals(tenant.id())) {
            throw AdminErrors.invalid("tenant must be absent or '" + tenant.id() + "', the tenant of this path");
        }
    }
}
