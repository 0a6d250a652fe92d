package dev.identityservice.server.admin;

import dev.identityservice.core.audit.AuditEvent;
import dev.identityservice.core.audit.AuditEventQuery;
import dev.identityservice.core.audit.AuditEventStore;
import dev.identityservice.server.http.Form;
import dev.identityservice.server.http.RequestTenant;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The audit event log of the request's tenant, newest first: {@code GET /admin/events} with the optional
 * filters {@code type}, {@code actor}, {@code subject} (exact matches), {@code from} (inclusive) and {@code to}
 * (exclusive) as ISO-8601 instants ({@code 2026-01-31T12:00:00Z}), paged like every list ({@code offset},
 * {@code limit}, {@code nextOffset}). A bad or repeated parameter is a 400 {@code invalid_request} naming it.
 * Events reach the store a moment after they happen (written off the request thread).
 */
@Path("admin/events")
@RolesAllowed(AdminGuard.ADMIN_ROLE)
public final class EventResource {

    private final AuditEventStore events;

    EventResource(AuditEventStore events) {
        this.events = events;
    }

    @GET
    public Response list(@Context ContainerRequestContext request, @Context UriInfo uri) {
        String raw = uri.getRequestUri().getRawQuery();
        Form parameters = Form.parse(raw == null ? new byte[0] : raw.getBytes(StandardCharsets.US_ASCII));
        AuditEventQuery query;
        try {
            query = new AuditEventQuery(RequestTenant.of(request).id(), parameters.optional("type"),
                    parameters.optional("actor"), parameters.optional("subject"),
                    instant("from", parameters.optional("from")), instant("to", parameters.optional("to")));
        } catch (IllegalArgumentException e) {
            throw AdminErrors.invalid(e.getMessage());
        }
        return AdminJson.ok(Page.load(uri, (offset, limit) -> events.find(query, offset, limit), EventView::of));
    }

    private static Instant instant(String name, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw AdminErrors.invalid("Query parameter '" + name + "' must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
        }
    }

    /** An event as the API shows it; {@code time} as ISO-8601. */
    record EventView(String id, String time, String type, String actor, String subject, String client, String address,
                     String outcome, String detail) {

        static EventView of(AuditEvent event) {
            return new EventView(event.id(), event.time().toString(), event.type(), event.actor(), event.subject(),
                    event.client(), event.address(), event.outcome(), event.detail());
        }
    }
}
