package dev.identityservice.server.ssf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identityservice.core.error.OAuthError;
import dev.identityservice.server.http.BoundedBody;
import dev.identityservice.server.http.Json;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.io.InputStream;

/** The JSON object of a stream or poll request; an empty body is the empty object. */
final class JsonBody {

    private JsonBody() {
    }

    /**
     * The raw body (413 past {@link BoundedBody#MAX_BYTES}). A synchronous endpoint reads it once the receiver is
     * authenticated: what a refusal leaves unread is drained after the response
     * ({@link dev.identityservice.server.http.UnreadBodyDrainFilter}). An asynchronous one ({@link PollEndpoint})
     * reads it first, since the drain skips asynchronous requests.
     */
    static byte[] bytes(ContainerRequestContext request, InputStream body) {
        return BoundedBody.read(body, request.getLength());
    }

    /**
     * The JSON object in {@code bytes}; none is the empty object.
     *
     * @throws dev.identityservice.core.error.OAuthException 400 {@code invalid_request} when it is not a JSON object
     */
    static JsonNode parse(byte[] bytes) {
        if (bytes.length == 0) {
            return Json.MAPPER.createObjectNode();
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(bytes);
        } catch (java.io.IOException e) { // JacksonException included: a parse error
            throw OAuthError.invalidRequest("The request body is not valid JSON").exception();
        }
        if (root == null || root.isMissingNode()) {
            return Json.MAPPER.createObjectNode();
        }
        if (!root.isObject()) {
            throw OAuthError.invalidRequest("The request body must be a JSON object").exception();
        }
        return root;
    }
}
