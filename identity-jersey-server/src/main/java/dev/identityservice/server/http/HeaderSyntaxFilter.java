package dev.identityservice.server.http;

import dev.identityservice.core.error.OAuthError;
import dev.identityservice.server.error.ErrorResponses;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.text.ParseException;
import java.util.Enumeration;
import java.util.Map;
import java.util.OptionalLong;
import org.glassfish.jersey.message.internal.HttpHeaderReader;

/**
 * Checks, in front of Jersey, the request headers that Jersey parses itself: {@code Content-Type} and
 * {@code Accept} (RFC 9110 §8.3, §12.5.1) and {@code Content-Length} (§8.6).
 *
 * <p>Why here: a value Jersey cannot parse fails wherever Jersey first reads it. A malformed
 * {@code Content-Type} is refused by Jersey's servlet with an empty 400, before the application, its
 * exception mappers and its response filters (so without JSON and without {@code nosniff}); a malformed
 * {@code Accept} the same way during routing; a {@code Content-Length} that Jetty accepts (any {@code long})
 * but that exceeds an {@code int} fails in the endpoint, a 500 with an ERROR line. Checked here first, with
 * Jersey's own parsers, each is an RFC 6749 §5.2 {@code invalid_request}: 400, or 413 for the length.
 */
public final class HeaderSyntaxFilter implements Filter {

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        String length = http.getHeader(HttpHeaders.CONTENT_LENGTH);
        // Jetty has already refused a length that is not a non-negative long.
        OptionalLong declared = length == null ? OptionalLong.empty() : NonNegativeInteger.parse(length.strip());
        if (declared.isPresent() && declared.getAsLong() > BoundedBody.MAX_BYTES) {
            refuse((HttpServletResponse) response, BoundedBody.TOO_LARGE, true);
        } else if (!contentTypeParses(http.getHeaders(HttpHeaders.CONTENT_TYPE))) {
            refuse((HttpServletResponse) response, OAuthError.invalidRequest("Malformed Content-Type header"), false);
        } else if (!acceptParses(http.getHeaders(HttpHeaders.ACCEPT))) {
            refuse((HttpServletResponse) response, OAuthError.invalidRequest("Malformed Accept header"), false);
        } else {
            chain.doFilter(request, response);
        }
    }

    /** One {@code Content-Type} at most (RFC 9110 §5.3), and a media type Jersey can read. */
    private static boolean contentTypeParses(Enumeration<String> values) {
        if (values == null || !values.hasMoreElements()) {
            return true;
        }
        String value = values.nextElement();
        if (values.hasMoreElements()) {
            return false;
        }
        try {
            MediaType.valueOf(value);
            return true;
        } catch (RuntimeException malformed) {
            return false;
        }
    }

    /**
     * Whether every {@code Accept} value is one Jersey can read (RFC 9110 §12.5.1); {@code true} for none.
     *
     * @param values the request's {@code Accept} headers, {@code null} for none
     */
    public static boolean acceptParses(Enumeration<String> values) {
        if (values == null) {
            return true;
        }
        try {
            while (values.hasMoreElements()) {
                HttpHeaderReader.readAcceptMediaType(values.nextElement());
            }
            return true;
        } catch (ParseException | RuntimeException malformed) {
            return false;
        }
    }

    private static void refuse(HttpServletResponse response, OAuthError error, boolean closeConnection) throws IOException {
        // The body was not read, so the connection cannot carry another request (RFC 9112 §9.6).
        ErrorResponses.write(response, error, closeConnection ? Map.of("Connection", "close") : Map.of());
    }
}
