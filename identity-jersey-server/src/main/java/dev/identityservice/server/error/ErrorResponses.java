package dev.identityservice.server.error;

import dev.identityservice.core.error.OAuthError;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The one place that writes RFC 6749 §5.2 error responses: {@code {"error": ..., "error_description": ...}}
 * with {@code Cache-Control: no-store} and {@code Pragma: no-cache}.
 */
public final class ErrorResponses {

    public static final String NO_STORE = "no-store";

    private ErrorResponses() {
    }

    /** The response for {@code error} with its status. */
    public static Response of(OAuthError error) {
        return of(error, Map.of());
    }

    /** The response for {@code error} with extra headers (a challenge, {@code Retry-After}, {@code Allow}). */
    public static Response of(OAuthError error, Map<String, String> headers) {
        Response.ResponseBuilder response = Response.status(error.httpStatus())
                .type(MediaType.APPLICATION_JSON_TYPE)
                .header(HttpHeaders.CACHE_CONTROL, NO_STORE)
                .header("Pragma", "no-cache")
                .entity(body(error.code(), error.description()));
        headers.forEach(response::header);
        return response.build();
    }

    /**
     * Writes {@code error} to a servlet response, for filters in front of Jersey: the same body and headers as
     * {@link #of(OAuthError, Map)}, and {@code nosniff}.
     *
     * @param headers extra headers ({@code Retry-After}, {@code Connection: close})
     * @throws java.io.IOException when the response cannot be written
     */
    public static void write(jakarta.servlet.http.HttpServletResponse response, OAuthError error, Map<String, String> headers)
            throws java.io.IOException {
        byte[] body = body(error.code(), error.description());
        response.setStatus(error.httpStatus());
        response.setContentType(MediaType.APPLICATION_JSON);
        response.setHeader(HttpHeaders.CACHE_CONTROL, NO_STORE);
        response.setHeader("Pragma", "no-cache");
        response.setHeader(dev.identityservice.server.http.SecurityHeadersFilter.CONTENT_TYPE_OPTIONS,
                dev.identityservice.server.http.SecurityHeadersFilter.NOSNIFF);
        headers.forEach(response::setHeader);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** The JSON body; the description is optional (RFC 6749 §5.2). */
    public static byte[] body(String code, String description) {
        StringBuilder json = new StringBuilder(64).append("{\"error\":");
        appendString(json, code);
        if (description != null) {
            json.append(",\"error_description\":");
            appendString(json, description);
        }
        return json.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Appends a JSON string. RFC 6749 §5.2 limits descriptions to printable ASCII without {@code "} and
     * {@code \}, so anything else is replaced rather than escaped.
     */
    private static void appendString(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            json.append(c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' ? c : '?');
        }
        json.append('"');
    }
}
