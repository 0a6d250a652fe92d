package dev.identityservice.server.ssf;

import dev.identityservice.core.event.EventStream;
import dev.identityservice.core.event.SecurityEvents;
import dev.identityservice.core.token.TokenIntrospector;
import dev.identityservice.server.endpoint.EndpointPaths;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import java.io.InputStream;

/**
 * Poll delivery (RFC 8936 §2.4) of one stream: {@code POST {issuer}/ssf/poll/{stream_id}} with a JSON body
 * ({@link PollRequest}), answered {@code {"sets": {jti: SET, ...}, "moreAvailable": bool}}. Asynchronous: a long
 * poll is parked by {@link LongPolls} and holds no request thread while it waits. Another client's stream is 404.
 */
@Path(EndpointPaths.SSF_POLL + "/{streamId}")
public final class PollEndpoint {

    private final SecurityEvents events;
    private final TokenIntrospector introspector;
    private final LongPolls polls;

    public PollEndpoint(SecurityEvents events, TokenIntrospector introspector, LongPolls polls) {
        this.events = events;
        this.introspector = introspector;
        this.polls = polls;
    }

    @POST
    public void poll(@Context ContainerRequestContext request, @PathParam("streamId") String streamId, InputStream body,
                     @Suspended AsyncResponse response) {
        try {
            // Read before anything can refuse, unlike the synchronous endpoints: the request is asynchronous from
            // the start (@Suspended), and UnreadBodyDrainFilter leaves asynchronous requests alone, so a refusal
            // with the body unread would make Jetty close the connection under the client's next request.
            byte[] json = JsonBody.bytes(request, body);
            Receiver receiver = Receiver.authenticate(request, introspector);
            EventStream stream = events.findStream(receiver.tenant().id(), receiver.clientId(), streamId)
                    .orElseThrow(StreamEndpoint::notFound);
            PollRequest poll = PollRequest.parse(JsonBody.parse(json));
            polls.poll(receiver, stream, poll, response);
        } catch (RuntimeException e) {
            // Through the exception mappers, as if thrown: RFC 6750 challenges, RFC 6749 §5.2 JSON, 503 when the database is down.
            response.resume(e);
        }
    }
}
