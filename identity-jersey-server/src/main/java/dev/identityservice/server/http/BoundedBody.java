package dev.identityservice.server.http;

import dev.identityservice.core.error.OAuthError;
import dev.identityservice.server.error.ChallengeException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a request body of at most {@value #MAX_BYTES} bytes; a larger one is refused with 413 before it is
 * buffered whole, whatever its {@code Content-Length} claims; a body that ends early or stalls (RFC 9112 §8:
 * "incomplete message") is a 400.
 */
public final class BoundedBody {

    /** The largest form or JSON body any endpoint accepts. */
    public static final int MAX_BYTES = 64 * 1024;

    /** What a body larger than {@link #MAX_BYTES} is refused with (413). */
    public static final OAuthError TOO_LARGE = new OAuthError("invalid_request",
            "The request body is larger than " + MAX_BYTES + " bytes", 413);

    private static final Logger LOG = LoggerFactory.getLogger(BoundedBody.class);

    private BoundedBody() {
    }

    /** @param declaredLength the {@code Content-Length}, or -1 when unknown (chunked) */
    public static byte[] read(InputStream body, long declaredLength) {
        if (declaredLength > MAX_BYTES) {
            throw tooLarge();
        }
        try {
            if (declaredLength >= 0) {
                // The usual case (a form with its Content-Length): one array of the right size, no 8 KiB buffer
                // and no copies (JFR: 12 KiB of garbage per introspection request).
                byte[] exact = new byte[(int) declaredLength];
                int filled = body.readNBytes(exact, 0, exact.length);
                int next = body.read();
                if (next == -1) {
                    return filled == exact.length ? exact : Arrays.copyOf(exact, filled);
                }
                // More than declared (a container would not deliver it; kept bounded all the same).
                ByteArrayOutputStream out = new ByteArrayOutputStream(filled + 512);
                out.write(exact, 0, filled);
                out.write(next);
                return readRest(body, out);
            }
            return readRest(body, new ByteArrayOutputStream(512));
        } catch (IOException e) {
            // The client closed before its Content-Length, broke the chunking, or stalled past the idle timeout:
            // its mistake, so a 400 and one line, not a 500 with a stack trace for every such request.
            LOG.warn("Request body incomplete ({}): {}", e.getClass().getSimpleName(), e.getMessage());
            throw incomplete();
        }
    }

    /** Appends the rest of the stream to {@code out}; 413 past {@link #MAX_BYTES}. */
    private static byte[] readRest(InputStream body, ByteArrayOutputStream out) throws IOException {
        byte[] buffer = new byte[8192];
        int read;
        while ((read = body.read(buffer)) != -1) {
            out.write(buffer, 0, read);
            if (out.size() > MAX_BYTES) {
                throw tooLarge();
            }
        }
        return out.toByteArray();
    }

    /** 400 and {@code Connection: close}: what is left of the stream cannot be trusted to frame a next request. */
    private static RuntimeException incomplete() {
        return new ChallengeException(OAuthError.invalidRequest("The request body is incomplete"), Map.of("Connection", "close"));
    }

    /**
     * 413 and {@code Connection: close}: the rest of the body was never read, so the connection cannot carry
     * another request; saying so keeps clients from reusing it (RFC 9112 §9.6).
     */
    private static RuntimeException tooLarge() {
        return new ChallengeException(TOO_LARGE, Map.of("Connection", "close"));
    }
}
