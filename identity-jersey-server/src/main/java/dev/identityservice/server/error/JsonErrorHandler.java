package dev.identityservice.server.error;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors that Jetty answers itself (a malformed request line, an illegal URI, headers too large) as
 * RFC 6749 §5.2-shaped JSON rather than an HTML page, with {@code X-Content-Type-Options: nosniff} like every
 * other JSON answer; never a stack trace or an exception message.
 */
public final class JsonErrorHandler extends ErrorHandler {

    private static final HttpField JSON = new HttpField(HttpHeader.CONTENT_TYPE, "application/json");
    private static final HttpField NOSNIFF = new HttpField("X-Content-Type-Options", "nosniff");

    /** Sent on Jetty's own errors under TLS too: the TLS connector's customizer never sees these requests. */
    private final HttpField hsts;

    /** For a plain HTTP connector. */
    public JsonErrorHandler() {
        this(null);
    }

    /**
     * @param hstsValue the {@code Strict-Transport-Security} value every other HTTPS response carries, or
     *                  {@code null} without TLS
     */
    public JsonErrorHandler(String hstsValue) {
        this.hsts = hstsValue == null ? null : new HttpField(HttpHeader.STRICT_TRANSPORT_SECURITY, hstsValue);
        setShowStacks(false);
        setShowCauses(false);
        setCacheControl(ErrorResponses.NO_STORE);
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) throws IOException {
        response.getHeaders().put(JSON);
        response.getHeaders().put(NOSNIFF);
        if (hsts != null) {
            response.getHeaders().put(hsts);
        }
        response.write(true, ByteBuffer.wrap(body(code)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(JSON);
        fields.put(NOSNIFF);
        if (hsts != null) {
            fields.put(hsts);
        }
        fields.put(HttpHeader.CACHE_CONTROL, ErrorResponses.NO_STORE);
        return ByteBuffer.wrap(body(status));
    }

    private static byte[] body(int status) {
        String code = status >= 500 ? "server_error" : status == 404 ? "not_found" : "invalid_request";
        String reason = HttpStatus.getMessage(status);
        return ErrorResponses.body(code, reason == null ? "Request failed" : reason);
    }
}
