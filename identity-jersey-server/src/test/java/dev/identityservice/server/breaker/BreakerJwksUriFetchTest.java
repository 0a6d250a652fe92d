package dev.identityservice.server.breaker;

import static dev.identityservice.server.testing.TestServer.form;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.identityservice.core.client.ClientAssertions;
import dev.identityservice.core.client.ClientCredentials;
import dev.identityservice.core.client.ClientKeys;
import dev.identityservice.core.client.GrantType;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.endpoint.EndpointPaths;
import dev.identityservice.server.testing.TestServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Breaker: a private_key_jwt client's jwks_uri served by a hostile HTTP server (trickle, oversize chunked,
 * redirect, gzip): the assertion is refused as invalid_client within the fetch timeout, never 500.
 */
@Timeout(120)
class BreakerJwksUriFetchTest {

    private static final int TIMEOUT_MS = 1000;
    private static TestServer server;
    private static ServerSocket listener;
    private static ExecutorService pool;
    private static String base;
    private static ECKey key;
    private static final Map<String, String> MODE = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        key = new ECKeyGenerator(Curve.P_256).keyID("j1").generate();
        listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        pool = Executors.newCachedThreadPool();
        pool.submit(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket s = listener.accept();
                    pool.submit(() -> serve(s));
                } catch (Exception e) {
                    return;
                }
            }
        });
        base = "http://127.0.0.1:" + listener.getLocalPort();
        server = TestServer.start(b -> b.outboundAllowPrivateAddresses(true).outboundFetchTimeoutMillis(TIMEOUT_MS)
                .outboundFetchMaxBytes(2048));
        for (String mode : new String[] {"ok", "trickle", "big", "redirect", "gzip"}) {
            Instant now = Instant.now();
            server.save(dev.identityservice.core.client.Client.builder(Tenant.DEFAULT_ID, "jw-" + mode)
                    .grantTypes(Set.of(GrantType.CLIENT_CREDENTIALS)).scopes(Set.of("api"))
                    .keys(new ClientKeys(null, URI.create(base + "/" + mode)))
                    .tokenEndpointAuthMethod(ClientCredentials.Method.PRIVATE_KEY_JWT).createdAt(now).updatedAt(now));
        }
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
            String path = in.readLine().split(" ")[1];
            for (String h = in.readLine(); h != null && !h.isEmpty(); h = in.readLine()) {
                // headers ignored
            }
            OutputStream out = socket.getOutputStream();
            byte[] jwks = new JWKSet(key.toPublicJWK()).toString(true).getBytes(StandardCharsets.US_ASCII);
            switch (path) {
                case "/ok" -> {
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + jwks.length
                            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(jwks);
                }
                case "/trickle" -> {
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + jwks.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    for (byte b : jwks) {
                        out.write(b);
                        out.flush();
                        Thread.sleep(200);
                    }
                }
                case "/big" -> {
                    out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    for (int i = 0; i < 64; i++) {
                        out.write(("400\r\n" + " ".repeat(1024) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                case "/redirect" -> out.write(("HTTP/1.1 301 Moved\r\nLocation: " + base + "/ok\r\nContent-Length: 0\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                case "/gzip" -> {
                    java.io.ByteArrayOutputStream z = new java.io.ByteArrayOutputStream();
                    try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(z)) {
                        gz.write(jwks);
                    }
                    out.write(("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + z.size() + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(z.toByteArray());
                }
                default -> out.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
        } catch (Exception e) {
            // the identity server gave up
        }
    }

    private static HttpResponse<String> token(String clientId) throws Exception {
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("j1").build(),
                new JWTClaimsSet.Builder().issuer(clientId).subject(clientId)
                        .audience(EndpointPaths.url(server.server.issuer(), EndpointPaths.TOKEN)).issueTime(Date.from(now))
                        .expirationTime(Date.from(now.plusSeconds(120))).jwtID(UUID.randomUUID().toString()).build());
        jwt.sign(new ECDSASigner(key));
        return server.post("/oauth2/token", form("grant_type", "client_credentials", "client_assertion_type",
                ClientAssertions.JWT_BEARER, "client_assertion", jwt.serialize()));
    }

    @Test
    void hostileJwksUriAnswersRefusedInTime() throws Exception {
        assertEquals(200, token("jw-ok").statusCode(), "control: a well-served jwks_uri");
        for (String mode : new String[] {"trickle", "big", "redirect", "gzip"}) {
            long start = System.nanoTime();
            HttpResponse<String> answer = token("jw-" + mode);
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(401, answer.statusCode(), mode + ": " + answer.body());
            assertTrue(ms < TIMEOUT_MS + 2000, mode + " took " + ms + " ms");
        }
    }
}
