package dev.identityservice.server.http;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads and discards, after the response, whatever of the request body the endpoint left unread, up to
 * {@value #MAX_DRAINED_BYTES} bytes, so that refusing a request early never costs the client its answer or its
 * connection.
 *
 * <p>Why: many refusals are decided before the body is read (a client authenticated from its headers, a
 * {@code Content-Length} past {@link BoundedBody#MAX_BYTES}, a media type not accepted). Jetty then finds request
 * content it cannot consume at once and closes the connection. Two things go wrong for the client: a response
 * already sent on a keep-alive connection gives no notice of the close, so the client's next request on it meets a
 * closed socket (the JDK client's "header parser received no bytes"); and closing a socket with unread data in its
 * receive buffer sends a TCP reset that can destroy the response before the client read it (the lingering-close
 * problem of RFC 9112 §9.6). Draining the rest first keeps the connection usable and the answer delivered. Past the
 * bound, the connection is left to close, which the refusal says with {@code Connection: close}; an asynchronous
 * request (a held long poll) is left alone, its body was read before it was parked.
 */
public final class UnreadBodyDrainFilter implements Filter {

    /** The most request-body bytes read and discarded after a response: 1 MiB. */
    public static final long MAX_DRAINED_BYTES = 1024 * 1024;

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        try {
            chain.doFilter(request, response);
        } finally {
            if (!request.isAsyncStarted()) {
                drain((HttpServletRequest) request);
            }
        }
    }

    private static void drain(HttpServletRequest request) {
        long declared = request.getContentLengthLong();
        boolean chunked = declared < 0 && request.getHeader("Transfer-Encoding") != null;
        if (declared == 0 || declared > MAX_DRAINED_BYTES || (declared < 0 && !chunked)) {
            return;
        }
        try {
            InputStream body = request.getInputStream();
            byte[] discarded = new byte[8192];
            long total = 0;
            int read;
            while (total <= MAX_DRAINED_BYTES && (read = body.read(discarded)) != -1) {
                total += read;
            }
        } catch (IOException | IllegalStateException e) {
            // The client went away, stalled past the idle timeout, or the body was read as characters: the
            // connection closes as it would have; nothing to tell anyone.
        }
    }
}
