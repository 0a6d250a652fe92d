package dev.identityservice.server.admin;

import dev.identityservice.core.audit.AuditEvent;
import dev.identityservice.core.audit.AuditEventQuery;
import dev.identityservice.core.audit.AuditEventStore;
import dev.identityservice.server.http.RequestTenant;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;

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

    /** The filters of this list; {@link Page} refuses any other parameter but {@code offset} and {@code limit}. */
    static final Set<String> FILTERS = Set.of("type", "actor", "subject", "from", "to");

    @GET
    public Response list(@Context ContainerRequestContext request, @Context UriInfo uri) {
        String tenantId = RequestTenant.of(request).id();
        // The filters are read from what Page accepted (one parsing of the query, one list of allowed names).
        return AdminJson.ok(Page.load(uri, FILTERS, (filters, offset, limit) ->
                events.find(query(tenantId, filters), offset, limit), EventView::of));
    }

    private static AuditEventQuery query(String tenantId, Map<String, String> filters) {
        try {
            return new AuditEventQuery(tenantId, filters.get("type"), filters.get("actor"), filters.get("subject"),
                    instant("from", filters.get("from")), instant("to", filters.get("to")));
        } catch (IllegalArgumentException e) {
            throw AdminErrors.invalid(e.getMessage());
        }
    }

    /**
     * The earliest and latest instants a filter may name: years 1 to 9999, which every supported database stores
     * ({@link Instant#parse} also reads years up to a billion, which neither PostgreSQL nor
     * {@link java.time.OffsetDateTime} can hold: the query would fail with a 500 instead of a 400).
     */
    static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

    private static Instant instant(String name, String value) {
        if (value == null) {
            return null;
        }
        Instant instant;
        try {
            instant = Instant.parse(value);
        } catch (DateTimeParseException e) {
            instant = null;
        }
        if (instant == null || instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw AdminErrors.invalid("Query parameter '" + name + "' must be an ISO-8601 instant between the years 1 and 9999,"
                    + " such as 2026-01-31T12:00:00Z");
        }
        return instant;
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
