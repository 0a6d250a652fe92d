package dev.identityservice.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * HTTP/1.1 written by hand over a socket, for what no HTTP client will send: a body shorter than its
 * {@code Content-Length}, a body that stalls, a request line Jetty refuses.
 */
public final class RawHttp {

    private RawHttp() {
    }

    /** What came back: the raw response (possibly empty) and whether the server closed the connection. */
    public record Exchange(String response, boolean closedByServer) {

        /** The status code of the response, or -1 when the server answered nothing. */
        public int status() {
            return response.startsWith("HTTP/1.1 ") ? Integer.parseInt(response.substring(9, 12)) : -1;
        }

        /** Whether the response has the header with this exact value (names compared without case). */
        public boolean hasHeader(String name, String value) {
            return response.lines().anyMatch(line -> line.regionMatches(true, 0, name + ":", 0, name.length() + 1)
                    && line.substring(name.length() + 1).strip().equals(value));
        }
    }

    /**
     * Sends {@code request} as is, then either half-closes the connection ({@code closeOutput}) or keeps it
     * open, and reads until the server closes or {@code wait} passes.
     */
    public static Exchange send(int port, String request, boolean closeOutput, Duration wait) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout((int) wait.toMillis());
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            if (closeOutput) {
                socket.shutdownOutput();
            }
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            boolean closed = false;
            try {
                int read;
                while ((read = in.read(buffer)) != -1) {
                    received.write(buffer, 0, read);
                }
                closed = true;
            } catch (SocketTimeoutException stillOpen) {
                // the server kept the connection open for the whole wait
            } catch (IOException reset) {
                closed = true;
            }
            return new Exchange(received.toString(StandardCharsets.ISO_8859_1), closed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
