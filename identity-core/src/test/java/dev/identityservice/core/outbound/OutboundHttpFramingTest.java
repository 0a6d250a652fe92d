package dev.identityservice.core.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How {@link OutboundHttp} frames an answer's body, against a real socket on 127.0.0.1 that writes the answer
 * given in the request path byte for byte: chunk sizes are 1*HEXDIG (RFC 9112 §7.1) and Content-Length values
 * 1*DIGIT that all agree (RFC 9110 §8.6, RFC 9112 §6.3 item 5); anything else fails the fetch.
 */
class OutboundHttpFramingTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static ServerSocket listener;
    private static ExecutorService pool;
    private static volatile String answer;

    @BeforeAll
    static void start() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        pool = Executors.newCachedThreadPool();
        pool.submit(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket socket = listener.accept();
                    pool.submit(() -> serve(socket));
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    @AfterAll
    static void stop() throws IOException {
        listener.close();
        pool.shutdownNow();
    }

    /** Reads the request head, then writes {@link #answer} and closes (the end of the connection ends no body here). */
    private static void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            int matched = 0;
            while (matched < 4) {
                int c = in.read();
                if (c < 0) {
                    return;
                }
                matched = (c == "\r\n\r\n".charAt(matched)) ? matched + 1 : (c == '\r' ? 1 : 0);
            }
            socket.getOutputStream().write(answer.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
        } catch (IOException e) {
            // the client gave up
        }
    }

    private static String fetch(String rawAnswer) throws IOException {
        answer = rawAnswer;
        OutboundHttp.Answer got = new OutboundHttp(true)
                .get(URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/"), 1024, TIMEOUT);
        return new String(got.body(), StandardCharsets.US_ASCII);
    }

    private static String chunked(String sizeLine) {
        return "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + sizeLine + "\r\nhello\r\n0\r\n\r\n";
    }

    private static String withLengths(String... fields) {
        StringBuilder head = new StringBuilder("HTTP/1.1 200 OK\r\n");
        for (String field : fields) {
            head.append("Content-Length: ").append(field).append("\r\n");
        }
        return head.append("\r\nhello").toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "05", "0000000000000000005", "5;ext=1", "5 ;name=\"v\"", "5\t;x"})
    void chunkSizeOfHexDigitsWithOrWithoutExtensionsThenBodyRead(String sizeLine) throws IOException {
        assertEquals("hello", fetch(chunked(sizeLine)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-5", "+5", " 5", "5 ", "0x5", "5x", "", ";ext", "\u0665", "10000000000000005"})
    void chunkSizeNotOneOrMoreHexDigitsThenFetchFails(String sizeLine) {
        assertThrows(IOException.class, () -> fetch(chunked(sizeLine)), sizeLine);
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "5,5", "5 , 5", "5|5", "005"})
    void contentLengthsAllTheSameNumberThenBodyRead(String fields) throws IOException {
        assertEquals("hello", fetch(withLengths(fields.split("\\|"))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"4|5", "5|4", "4,5", "5, 6", "5|5,4", "+5", "-1", "5.0", "", "5,", "0x5", "99999999999999999999"})
    void contentLengthsDifferingOrNotDigitsThenFetchFails(String fields) {
        assertThrows(IOException.class, () -> fetch(withLengths(fields.split("\\|", -1))), fields);
    }
}
