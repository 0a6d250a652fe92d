package dev.identityservice.server.http;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UnsupportedEncodingException;
import java.io.SequenceInputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * A request whose body has been received up to {@link BoundedBody#MAX_BYTES} + 1 bytes before the endpoint runs; the
 * endpoint reads those bytes and then whatever of the body is left, so a body past the bound is still refused there.
 *
 * <p>Why: the {@link AdmissionFilter} lets only a few requests execute at once, so a request must not wait for its
 * client inside it; a client that declares a body and sends it slowly (or never) would otherwise hold an executing
 * slot until the idle timeout, and a handful of such clients would stall every other request.
 */
public final class ReceivedBodyRequest extends HttpServletRequestWrapper {

    private final ServletInputStream body;
    /** The whole body when it was received to its end within the bound, else {@code null}. */
    private final byte[] whole;

    private ReceivedBodyRequest(HttpServletRequest request, byte[] received, InputStream rest, boolean complete) {
        super(request);
        this.whole = complete ? received : null;
        InputStream all = new SequenceInputStream(new ByteArrayInputStream(received), rest);
        this.body = new ServletInputStream() {
            private boolean finished;

            @Override
            public int read() throws IOException {
                int b = all.read();
                finished = b < 0;
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = all.read(buffer, offset, length);
                finished = n < 0;
                return n;
            }

            @Override
            public boolean isFinished() {
                return finished;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener listener) {
                throw new IllegalStateException("the body was received before the endpoint; read it blocking");
            }
        };
    }

    /**
     * {@code request} with its body received first (blocking the calling thread while the client sends it), or
     * {@code request} itself when it declares no body or was received already (a filter in front of the
     * {@link AdmissionFilter} received it). When the client fails or stalls past the idle timeout while sending it,
     * the endpoint's read fails with that {@link IOException} after the bytes received, as it would have without this
     * class (and {@link BoundedBody} answers 400).
     */
    public static HttpServletRequest of(HttpServletRequest request) throws IOException {
        if (request instanceof ReceivedBodyRequest) {
            return request;
        }
        long declared = request.getContentLengthLong();
        if (declared == 0 || (declared < 0 && request.getHeader("Transfer-Encoding") == null)) {
            return request;
        }
        ServletInputStream in = request.getInputStream();
        ByteArrayOutputStream received = new ByteArrayOutputStream(declared > 0 && declared <= BoundedBody.MAX_BYTES ? (int) declared : 512);
        byte[] buffer = new byte[8192];
        try {
            int n;
            while (received.size() <= BoundedBody.MAX_BYTES && (n = in.read(buffer, 0, Math.min(buffer.length, BoundedBody.MAX_BYTES + 1 - received.size()))) != -1) {
                received.write(buffer, 0, n);
            }
        } catch (IOException failed) {
            return new ReceivedBodyRequest(request, received.toByteArray(), new InputStream() {
                @Override
                public int read() throws IOException {
                    throw failed;
                }
            }, false);
        }
        // The loop ends at the body's end or one byte past the bound.
        return new ReceivedBodyRequest(request, received.toByteArray(), in, received.size() <= BoundedBody.MAX_BYTES);
    }

    /**
     * The whole body of {@code request} when the {@link AdmissionFilter} received it to its end and it is at most
     * {@link BoundedBody#MAX_BYTES} long, else {@code null}; the body is not consumed (the endpoint still reads it
     * all), so the array must not be changed. For a filter that answers in front of Jersey ({@code
     * IntrospectionFilter}) and leaves Jersey whatever it does not answer, body included.
     */
    public static byte[] wholeBody(ServletRequest request) {
        return request instanceof ReceivedBodyRequest received ? received.whole : null;
    }

    @Override
    public ServletInputStream getInputStream() {
        return body;
    }

    @Override
    public BufferedReader getReader() throws UnsupportedEncodingException {
        String encoding = getCharacterEncoding();
        Charset charset;
        try {
            charset = encoding == null ? StandardCharsets.ISO_8859_1 : Charset.forName(encoding);
        } catch (IllegalArgumentException unknown) {
            throw new UnsupportedEncodingException(encoding);
        }
        return new BufferedReader(new InputStreamReader(body, charset));
    }
}
