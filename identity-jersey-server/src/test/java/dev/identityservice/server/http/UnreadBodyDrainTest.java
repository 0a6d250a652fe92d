package dev.identityservice.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A refusal decided before the body is read, over a raw socket so that what happens to the connection is visible:
 * the client gets its answer whole, and a keep-alive connection stays usable for its next request
 * ({@link UnreadBodyDrainFilter}). Without the drain, Jetty closed the connection with the body unread: the next
 * request on it failed ("header parser received no bytes" in the JDK client, seen as flaky tests across the suite),
 * and a large unread body made the close a TCP reset that could destroy the 413 itself.
 */
class UnreadBodyDrainTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void requestWhenRefusedBeforeItsBodyArrivedThenTheConnectionCarriesTheNextRequest() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.uri("/").getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            String body = "{\"username\":\"someone\",\"password\":\"a long passphrase\"}";
            // No token: the admin guard refuses from the headers alone, before the body (sent late, as the JDK
            // client sends it in a second write) has arrived.
            out.write(("POST /admin/users HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(200);
            out.write(body.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String first = readResponse(socket.getInputStream());
            assertTrue(first.startsWith("HTTP/1.1 401"), first);

            out.write("GET /.well-known/openid-configuration HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String second = readResponse(socket.getInputStream());
            assertTrue(second.startsWith("HTTP/1.1 200"), "the connection was closed under the next request: " + second);
        }
    }

    @Test
    void securityEventRequestWhenRefusedBeforeItsBodyIsReadThenTheConnectionCarriesTheNextRequest() throws Exception {
        // The stream endpoint (synchronous) and the poll endpoint (asynchronous, @Suspended) refuse an anonymous
        // request from its headers, without reading its body first: the drain keeps the connection.
        for (String path : new String[] {"/ssf/streams", "/ssf/poll/some-stream"}) {
            try (Socket socket = new Socket("127.0.0.1", server.uri("/").getPort())) {
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                String body = "{\"maxEvents\":10,\"returnImmediately\":true,\"ack\":[]}";
                out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(200);
                out.write(body.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String first = readResponse(socket.getInputStream());
                assertTrue(first.startsWith("HTTP/1.1 401"), path + ": " + first);
                assertTrue(first.contains("WWW-Authenticate: Bearer"), path + ": " + first);

                out.write("GET /.well-known/openid-configuration HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String second = readResponse(socket.getInputStream());
                assertTrue(second.startsWith("HTTP/1.1 200"), path + ": the connection was closed under the next request: " + second);
            }
        }
    }

    @Test
    void requestWhenBodyLargerThanTheLimitThenThe413ArrivesWhole() throws Exception {
        int length = 600_000;
        try (Socket socket = new Socket("127.0.0.1", server.uri("/").getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = "grant_type=x&".repeat(1000).getBytes(StandardCharsets.US_ASCII);
            for (int sent = 0; sent < length; sent += chunk.length) {
                out.write(chunk, 0, Math.min(chunk.length, length - sent));
            }
            out.flush();
            String response = readResponse(socket.getInputStream());
            assertTrue(response.startsWith("HTTP/1.1 413"), response);
            assertTrue(response.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), response);
        }
    }

    /** One response: its head, and its body by {@code Content-Length} (every answer here has one). */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b == -1) {
                return "connection closed after " + head.size() + " bytes: " + head.toString(StandardCharsets.ISO_8859_1);
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String headText = head.toString(StandardCharsets.ISO_8859_1);
        int contentLength = 0;
        for (String line : headText.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                contentLength = Integer.parseInt(line.substring(15).strip());
            }
        }
        byte[] body = in.readNBytes(contentLength);
        assertEquals(contentLength, body.length, headText);
        return headText + new String(body, StandardCharsets.UTF_8);
    }
}
