package dev.identityservice.core.outbound;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The timeout of {@link OutboundHttp} bounds the whole exchange even when the other side sends a byte now and then,
 * each within the read timeout: a real socket server on 127.0.0.1 that drips its answer (or its TLS handshake), and
 * a resolver that does not answer.
 */
class OutboundHttpDeadlineTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** How long the server keeps dripping: far beyond the timeout. */
    private static final long DRIP_MILLIS = 8_000;

    private ServerSocket server;
    private Thread dripper;
    private volatile byte[] drip;

    @BeforeEach
    void start() throws IOException {
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        dripper = new Thread(() -> {
            try (Socket s = server.accept()) {
                OutputStream out = s.getOutputStream();
                long end = System.currentTimeMillis() + DRIP_MILLIS;
                for (int i = 0; System.currentTimeMillis() < end; i++) {
                    out.write(drip[Math.min(i, drip.length - 1)]);
                    out.flush();
                    Thread.sleep(100);
                }
            } catch (IOException | InterruptedException e) {
                // the client went away: what the test wants
            }
        });
        dripper.setDaemon(true);
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
        dripper.interrupt();
    }

    @Test
    void getWhenTlsHandshakeDripsThenCutOffAtTimeout() {
        // A TLS handshake record header announcing 16 KiB, then its body a byte at a time.
        drip = new byte[] {0x16, 0x03, 0x03, 0x40, 0x00, 0x02};
        dripper.start();
        assertCutOff("https");
    }

    @Test
    void getWhenAnswerBodyDripsThenCutOffAtTimeout() {
        drip = "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n{".getBytes(StandardCharsets.US_ASCII);
        dripper.start();
        assertCutOff("http");
    }

    @Test
    void getWhenDnsDoesNotAnswerThenCutOffAtTimeout() {
        // A name whose authoritative server never answers: the system resolver retries for tens of seconds.
        OutboundHttp http = new OutboundHttp(false, host -> {
            try {
                Thread.sleep(DRIP_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new java.net.UnknownHostException(host);
        }, (javax.net.ssl.SSLSocketFactory) javax.net.ssl.SSLSocketFactory.getDefault());
        long started = System.nanoTime();
        IOException failure = assertThrows(IOException.class, () -> http.get(URI.create("https://slow-dns.example/jwks"), 1_000, TIMEOUT));
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(millis < TIMEOUT.toMillis() + 1_500, "a silent DNS server held the request " + millis + " ms: " + failure);
        assertTrue(failure instanceof SocketTimeoutException, failure.toString());
    }

    private void assertCutOff(String scheme) {
        OutboundHttp http = new OutboundHttp(true);
        URI url = URI.create(scheme + "://127.0.0.1:" + server.getLocalPort() + "/jwks");
        long started = System.nanoTime();
        IOException failure = assertThrows(IOException.class, () -> http.get(url, 1_000_000, TIMEOUT));
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(millis < TIMEOUT.toMillis() + 1_500, "a dripping answer held the request " + millis + " ms: " + failure);
        assertTrue(failure instanceof SocketTimeoutException, failure.toString());
    }
}
