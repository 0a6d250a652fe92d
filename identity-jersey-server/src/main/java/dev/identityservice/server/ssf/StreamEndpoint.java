package dev.identityservice.server.ssf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.event.EventStream;
import dev.identityservice.core.event.SecurityEventType;
import dev.identityservice.core.event.SecurityEvents;
import dev.identityservice.core.token.TokenIntrospector;
import dev.identityservice.server.audit.AuditLog;
import dev.identityservice.server.endpoint.EndpointPaths;
import dev.identityservice.server.error.ErrorResponses;
import dev.identityservice.server.http.Json;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.MDC;
import org.slf4j.event.Level;

/**
 * Stream management (OpenID Shared Signals Framework 1.0 §8.1.1), poll delivery only: {@code POST} creates a stream
 * of the calling receiver (201 with its configuration), {@code GET ?stream_id=} reads it, {@code DELETE ?stream_id=}
 * deletes it (204). Another client's stream, or an unknown one, is 404. Creating and deleting are audit events
 * ({@value #CREATED}, {@value #DELETED}).
 */
@Path(EndpointPaths.SSF_STREAMS)
public final class StreamEndpoint {

    static final String CREATED = "ssf.stream.created";
    static final String DELETED = "ssf.stream.deleted";

    private final SecurityEvents events;
    private final TokenIntrospector introspector;
    private final AuditLog audit;

    public StreamEndpoint(SecurityEvents events, TokenIntrospector introspector, AuditLog audit) {
        this.events = events;
        this.introspector = introspector;
        this.audit = audit;
    }

    @POST
    public Response create(@Context ContainerRequestContext request, InputStream body) {
        Receiver receiver = Receiver.authenticate(request, introspector);
        JsonNode json = JsonBody.parse(JsonBody.bytes(request, body));
        JsonNode delivery = json.get("delivery");
        if (delivery != null && !delivery.isNull()) {
            JsonNode method = delivery.get("method");
            if (!delivery.isObject() || (method != null && !method.isNull()
                    && !SsfConfigurationEndpoint.POLL_DELIVERY.equals(method.asText(null)))) {
                throw OAuthError.invalidRequest("delivery.method: only " + SsfConfigurationEndpoint.POLL_DELIVERY
                        + " (poll) is supported").exception();
            }
        }
        JsonNode description = json.get("description");
        if (description != null && !description.isNull() && (!description.isTextual()
                || description.textValue().length() > EventStream.MAX_DESCRIPTION_CHARS)) {
            throw OAuthError.invalidRequest("description must be a string of at most " + EventStream.MAX_DESCRIPTION_CHARS
                    + " characters").exception();
        }
        EventStream stream;
        try {
            stream = events.createStream(receiver.tenant().id(), receiver.clientId(),
                    description == null || description.isNull() ? null : description.textValue());
        } catch (SecurityEvents.TooManyStreamsException e) {
            throw new OAuthError("invalid_request", e.getMessage(), 429).exception();
        }
        record(receiver, CREATED, stream.id());
        return Response.status(Response.Status.CREATED).entity(Json.bytes(configuration(receiver, stream)))
                .type(MediaType.APPLICATION_JSON_TYPE).header("Cache-Control", ErrorResponses.NO_STORE).build();
    }

    @GET
    public Response read(@Context ContainerRequestContext request, @QueryParam("stream_id") String streamId) {
        Receiver receiver = Receiver.authenticate(request, introspector);
        return Json.noStore(configuration(receiver, find(receiver, streamId)));
    }

    @DELETE
    public Response delete(@Context ContainerRequestContext request, @QueryParam("stream_id") String streamId) {
        Receiver receiver = Receiver.authenticate(request, introspector);
        if (!events.deleteStream(receiver.tenant().id(), receiver.clientId(), required(streamId))) {
            throw notFound();
        }
        record(receiver, DELETED, streamId);
        return Response.noContent().build();
    }

    private EventStream find(Receiver receiver, String streamId) {
        return events.findStream(receiver.tenant().id(), receiver.clientId(), required(streamId)).orElseThrow(StreamEndpoint::notFound);
    }

    private static String required(String streamId) {
        if (streamId == null || streamId.isEmpty()) {
            throw OAuthError.invalidRequest("Query parameter 'stream_id' is required").exception();
        }
        return streamId;
    }

    static RuntimeException notFound() {
        return new OAuthError("not_found", "No such stream of this client", 404).exception();
    }

    private void record(Receiver receiver, String type, String streamId) {
        audit.record(Level.INFO, receiver.tenant().id(), type, receiver.clientId(), streamId, receiver.clientId(),
                MDC.get(AuditLog.ADDRESS_MDC_KEY), "success", null);
    }

    /** The stream configuration (SSF 1.0 §8.1.1): every event type is delivered, whatever was requested. */
    static Map<String, Object> configuration(Receiver receiver, EventStream stream) {
        Map<String, Object> configuration = new LinkedHashMap<>();
        configuration.put("stream_id", stream.id());
        configuration.put("iss", receiver.tenant().issuer().toString());
        configuration.put("aud", stream.clientId());
        configuration.put("delivery", Map.of("method", SsfConfigurationEndpoint.POLL_DELIVERY,
                "endpoint_url", EndpointPaths.url(receiver.tenant().issuer(), EndpointPaths.SSF_POLL + "/" + stream.id())));
        configuration.put("events_supported", SecurityEventType.allUris());
        configuration.put("events_requested", SecurityEventType.allUris());
        configuration.put("events_delivered", SecurityEventType.allUris());
        if (stream.description() != null) {
            configuration.put("description", stream.description());
        }
        return configuration;
    }
}
