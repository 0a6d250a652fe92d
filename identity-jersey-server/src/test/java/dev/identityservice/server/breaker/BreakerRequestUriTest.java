package dev.identityservice.server.breaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.identityservice.core.client.ClientKeys;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.testing.RequestObjects;
import dev.identityservice.server.testing.TestServer;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Breaker: a client's request_uri served by a hand-written HTTP/1.1 server on 127.0.0.1 that misbehaves on
 * purpose (trickles, lies about Content-Length, chunks past the bound, gzips, redirects, answers differently on
 * each fetch), and the #fragment (a cache key, never verified). Server bounds: 1000 ms, 2048 bytes.
 */
@Timeout(120)
class BreakerRequestUriTest {

    private static final String REDIRECT = "https://app.example.com/callback";
    private static final int TIMEOUT_MS = 1000;
    private static final int MAX_BYTES = 2048;

    private static TestServer server;
    private static ServerSocket listener;
    private static ExecutorService pool;
    private static String base;
    private static RSAKey key;
    /** What each path answers: raw behaviour. */
    private static final Map<String, Behaviour> BEHAVIOURS = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> HITS = new ConcurrentHashMap<>();
    private static final List<String> REQUEST_HEADS = java.util.Collections.synchronizedList(new ArrayList<>());

    interface Behaviour {
        void answer(OutputStream out, int hit) throws Exception;
    }

    @BeforeAll
    static void start() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        pool = Executors.newCachedThreadPool();
        pool.submit(() -> {
            while (!listener.isClosed()) {
                Socket socket;
                try {
                    socket = listener.accept();
                } catch (Exception e) {
                    return;
                }
                pool.submit(() -> serve(socket));
            }
        });
        base = "http://127.0.0.1:" + listener.getLocalPort();
        List<String> uris = new ArrayList<>();
        for (String p : List.of("/small", "/trickle", "/trickle-head", "/chunked-big", "/chunked-exact", "/cl-short",
                "/cl-long", "/cl-huge", "/gzip", "/redirect", "/alternate", "/trailing-ws", "/pinned", "/negative-chunk",
                "/two-cl")) {
            uris.add(base + p);
        }
        uris.add(base + "/pinned#" + sha256("something else entirely"));
        uris.add(base + "/pinned2#" + sha256("something else entirely"));
        server = TestServer.start(builder -> builder.outboundAllowPrivateAddresses(true)
                .outboundFetchTimeoutMillis(TIMEOUT_MS).outboundFetchMaxBytes(MAX_BYTES));
        server.save(server.confidential(Tenant.DEFAULT_ID, "byref")
                .keys(new ClientKeys(new JWKSet(key.toPublicJWK()), null)).requestObjectSigningAlg("RS256")
                .requestUris(uris));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        listener.close();
        pool.shutdownNow();
    }

    private static void serve(Socket socket) {
        try (socket) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            String requestLine = in.readLine();
            StringBuilder head = new StringBuilder(requestLine).append('\n');
            for (String h = in.readLine(); h != null && !h.isEmpty(); h = in.readLine()) {
                head.append(h).append('\n');
            }
            REQUEST_HEADS.add(head.toString());
            String path = requestLine.split(" ")[1];
            int hit = HITS.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            Behaviour b = BEHAVIOURS.get(path);
            OutputStream out = socket.getOutputStream();
            if (b == null) {
                out.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            } else {
                b.answer(out, hit);
            }
            out.flush();
        } catch (Exception e) {
            // the identity server gave up: expected for the slow paths
        }
    }

    private static void ok(OutputStream out, byte[] body, String extraHeaders) throws Exception {
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/oauth-authz-req+jwt\r\nContent-Length: " + body.length
                + "\r\n" + extraHeaders + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
    }

    static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.US_ASCII));
    }

    static String sha256(byte[] bytes) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The error of the authorization answer, or null when the login page was shown (the object was accepted). */
    private static String outcome(String requestUri) {
        HttpResponse<String> response = server.get(RequestObjects.authorizeByReference(requestUri, REDIRECT));
        if (response.statusCode() == 200) {
            return null;
        }
        Map<String, String> query = RequestObjects.redirectQuery(response, REDIRECT);
        assertNotNull(query.get("error"), query.toString());
        return query.get("error") + ": " + query.get("error_description");
    }

    private static void serveSmall(String object) {
        BEHAVIOURS.put("/small", (out, hit) -> ok(out, object.getBytes(StandardCharsets.US_ASCII), ""));
    }

    // ---- the #fragment ---------------------------------------------------------------------------------------------

    // Proves: the fragment is the client's cache key (OIDC Core §6.2: a new fragment tells the server a cached copy is
    // stale), never checked against the object; the OpenID conformance suite sends the hash of random text there.
    @Test
    void fragmentWhateverItSaysThenObjectAccepted() throws Exception {
        for (String fragment : List.of("", sha256("random text, not the object"), "not-base64url!", "%41")) {
            String object = object("");
            serveSmall(object);
            assertEquals(null, outcome(base + "/small#" + fragment), "refused with fragment " + fragment);
        }
    }

    // Proves: a registered request_uri matches with or without its fragment (the fragment is no part of the URL's
    // identity), and an unregistered path stays refused.
    @Test
    void registeredWithAFragmentThenRequestedWithOrWithoutOneAccepted() throws Exception {
        String object = object("");
        BEHAVIOURS.put("/pinned2", (out, hit) -> ok(out, object.getBytes(StandardCharsets.US_ASCII), ""));
        assertEquals(null, outcome(base + "/pinned2"));
        String again = object("");
        BEHAVIOURS.put("/pinned2", (out, hit) -> ok(out, again.getBytes(StandardCharsets.US_ASCII), ""));
        assertEquals(null, outcome(base + "/pinned2#" + sha256("another cache key")));
        String refused = outcome(base + "/pinned3");
        assertNotNull(refused);
        assertTrue(refused.startsWith("invalid_request_uri"), refused);
    }

    // Proves: one fetch per authorization request, whatever the fragment.
    @Test
    void fetchedOncePerAuthorizationRequest() throws Exception {
        String first = object("first");
        String second = object("second");
        BEHAVIOURS.put("/alternate", (out, hit) -> ok(out,
                (hit % 2 == 1 ? first : second).getBytes(StandardCharsets.US_ASCII), ""));
        HITS.remove("/alternate");
        assertEquals(null, outcome(base + "/alternate#" + sha256(first)));
        assertEquals(1, HITS.get("/alternate").get(), "one fetch per authorization request");
        assertEquals(null, outcome(base + "/alternate#" + sha256(first)));
        assertEquals(2, HITS.get("/alternate").get(), "one fetch per authorization request");
    }

    // ---- the HTTP exchange --------------------------------------------------------------------------------------

    @Test
    void slowlorisBodyCutOffAtTheWholeExchangeTimeout() throws Exception {
        String object = object("");
        byte[] bytes = object.getBytes(StandardCharsets.US_ASCII);
        BEHAVIOURS.put("/trickle", (out, hit) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            for (byte b : bytes) {
                out.write(b);
                out.flush();
                Thread.sleep(200);
            }
        });
        outcome(base + "/unregistered"); // warm-up
        long start = System.nanoTime();
        String result = outcome(base + "/trickle");
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertNotNull(result);
        assertTrue(ms < TIMEOUT_MS + 1500, "cut off after " + ms + " ms");
    }

    @Test
    void slowlorisHeadersCutOffAtTheWholeExchangeTimeout() throws Exception {
        BEHAVIOURS.put("/trickle-head", (out, hit) -> {
            byte[] head = ("HTTP/1.1 200 OK\r\n" + "X-Slow: " + "a".repeat(200) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            for (byte b : head) {
                out.write(b);
                out.flush();
                Thread.sleep(100);
            }
        });
        outcome(base + "/unregistered");
        long start = System.nanoTime();
        String result = outcome(base + "/trickle-head");
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertNotNull(result);
        assertTrue(ms < TIMEOUT_MS + 1500, "cut off after " + ms + " ms");
    }

    @Test
    void chunkedBodyBeyondTheBoundRefused() throws Exception {
        BEHAVIOURS.put("/chunked-big", (out, hit) -> {
            out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 100; i++) {
                out.write(("400\r\n" + "A".repeat(1024) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        });
        String result = outcome(base + "/chunked-big");
        assertNotNull(result);
        assertTrue(result.contains("longer than " + MAX_BYTES), result);
        // a chunk size that overflows or is huge
        BEHAVIOURS.put("/chunked-big", (out, hit) -> out.write(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFF\r\nAAAA\r\n0\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII)));
        assertNotNull(outcome(base + "/chunked-big"));
        BEHAVIOURS.put("/chunked-big", (out, hit) -> out.write(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7FFFFFFFFFFFFFFF\r\nAAAA".getBytes(StandardCharsets.US_ASCII)));
        assertNotNull(outcome(base + "/chunked-big"));
    }

    @Test
    void chunkedObjectWithinTheBoundAccepted() throws Exception {
        String object = object("");
        byte[] bytes = object.getBytes(StandardCharsets.US_ASCII);
        BEHAVIOURS.put("/chunked-exact", (out, hit) -> {
            out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < bytes.length; i += 100) {
                int n = Math.min(100, bytes.length - i);
                out.write((Integer.toHexString(n) + ";ext=1\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(bytes, i, n);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        });
        assertEquals(null, outcome(base + "/chunked-exact#" + sha256(object)));
    }

    // Proves: a chunked answer with a negative chunk size ("-1", not 1*HEXDIG, RFC 9112 §7.1) fails the fetch instead of yielding the chunks before it.
    @Test
    void negativeChunkSizeDoesNotYieldAPrefixAsTheObject() throws Exception {
        // A valid object, then a negative chunk size and garbage: the object must not be taken as complete.
        String object = object("");
        byte[] bytes = object.getBytes(StandardCharsets.US_ASCII);
        BEHAVIOURS.put("/negative-chunk", (out, hit) -> {
            out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.write("\r\n-1\r\n".getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(3000);
        });
        String result = outcome(base + "/negative-chunk");
        assertNotNull(result, "a malformed chunked answer (negative size, no last chunk) was accepted");
    }

    @Test
    void contentLengthLiesRefused() throws Exception {
        String object = object("");
        byte[] bytes = object.getBytes(StandardCharsets.US_ASCII);
        BEHAVIOURS.put("/cl-short", (out, hit) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
        });
        assertNotNull(outcome(base + "/cl-short"));
        BEHAVIOURS.put("/cl-long", (out, hit) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + (bytes.length + 500) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
        });
        assertNotNull(outcome(base + "/cl-long"));
        BEHAVIOURS.put("/cl-huge", (out, hit) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
        });
        assertNotNull(outcome(base + "/cl-huge"));
        BEHAVIOURS.put("/cl-huge", (out, hit) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 1000; i++) {
                out.write(new byte[1000]);
            }
        });
        String huge = outcome(base + "/cl-huge");
        assertNotNull(huge);
        assertTrue(huge.contains("longer than"), huge);
    }

    // Proves: an answer with two differing Content-Length values is refused (RFC 9112 §6.3 item 5), not read by the last one.
    @Test
    void twoDifferentContentLengthsRefused() throws Exception {
        // RFC 9112 §6.3: differing Content-Length values are an unrecoverable error.
        String object = object("");
        byte[] bytes = object.getBytes(StandardCharsets.US_ASCII);
        BEHAVIOURS.put("/two-cl", (out, hit) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
        });
        String result = outcome(base + "/two-cl");
        assertNotNull(result, "an answer with two different Content-Length values was accepted");
    }

    @Test
    void gzipNeitherAskedForNorDecoded() throws Exception {
        String object = object("");
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
            gz.write(object.getBytes(StandardCharsets.US_ASCII));
            gz.write(new byte[50_000_000 / 50]); // a small bomb: 1 MB of zeros inflating from ~1 KB
        }
        BEHAVIOURS.put("/gzip", (out, hit) -> ok(out, zipped.toByteArray(), "Content-Encoding: gzip\r\n"));
        REQUEST_HEADS.clear();
        String result = outcome(base + "/gzip");
        assertNotNull(result);
        String head = String.join("", REQUEST_HEADS).toLowerCase(java.util.Locale.ROOT);
        for (String line : head.split("\n")) {
            if (line.startsWith("accept-encoding:")) {
                assertFalse(line.contains("gzip") || line.contains("deflate") || line.contains("br"), line);
            }
        }
        assertTrue(head.contains("accept-encoding: identity"), head);
    }

    @Test
    void redirectsNeverFollowed() throws Exception {
        String object = object("");
        serveSmall(object);
        BEHAVIOURS.put("/redirect", (out, hit) -> out.write(("HTTP/1.1 302 Found\r\nLocation: " + base
                + "/small\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
        HITS.remove("/small");
        String result = outcome(base + "/redirect");
        assertNotNull(result);
        assertTrue(result.contains("302"), result);
        assertEquals(null, HITS.get("/small"), "the redirect target was requested");
    }

    private static String object(String padding) throws Exception {
        return RequestObjects.signed(key, server.server.issuer().toString(), REDIRECT, padding);
    }
}
