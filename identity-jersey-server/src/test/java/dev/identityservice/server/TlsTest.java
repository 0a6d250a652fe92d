package dev.identityservice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.server.testing.TestServer;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS connector, with a PKCS12 keystore made by the JDK's keytool. */
class TlsTest {

    private static final String PASSWORD = "keystore-password";

    @Test
    void startWhenKeystoreConfiguredThenServesHttpsOnlyWithHttpsIssuerAndHsts(@TempDir Path dir) throws Exception {
        Path keystore = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD).redirectErrorStream(true).start();
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0,
                new String(keytool.getInputStream().readAllBytes()));

        try (TestServer server = TestServer.start(b -> b.tlsKeystore(keystore.toString()).tlsKeystorePassword(PASSWORD))) {
            server.confidentialClient("web");
            HttpClient https = HttpClient.newBuilder().sslContext(trusting(keystore)).connectTimeout(Duration.ofSeconds(5)).build();
            String base = "https://127.0.0.1:" + server.server.port();

            HttpResponse<String> discovery = https.send(HttpRequest.newBuilder(URI.create(base + "/.well-known/openid-configuration"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, discovery.statusCode());
            assertTrue(discovery.body().contains("\"issuer\":\"" + base + "\""), discovery.body());

            HttpResponse<String> token = https.send(HttpRequest.newBuilder(URI.create(base + "/oauth2/token"))
                    .header("Content-Type", TestServer.FORM)
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("web:" + TestServer.SECRET).getBytes()))
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, token.statusCode(), token.body());

            // Issue 11, kind 12: HSTS on every HTTPS answer, JSON, errors and pages alike (RFC 6797 §7.1).
            HttpResponse<String> error = https.send(HttpRequest.newBuilder(URI.create(base + "/oauth2/token"))
                    .header("Content-Type", TestServer.FORM).POST(HttpRequest.BodyPublishers.ofString("grant_type=x")).build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> page = https.send(HttpRequest.newBuilder(URI.create(base + "/oauth2/authorize?client_id=nobody")).build(),
                    HttpResponse.BodyHandlers.ofString());
            for (HttpResponse<String> response : java.util.List.of(discovery, token, error, page)) {
                assertEquals("max-age=31536000", response.headers().firstValue("Strict-Transport-Security").orElse(null),
                        response.uri() + " " + response.statusCode());
                assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(null), response.uri().toString());
            }

            // Found by the adversarial review: the errors Jetty answers itself (headers too large, a bad URI)
            // never pass the TLS customizer; the JSON error handler adds HSTS to them.
            HttpResponse<String> tooLarge = https.send(HttpRequest.newBuilder(URI.create(base + "/health"))
                    .header("X-Padding", "a".repeat(20_000)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(431, tooLarge.statusCode());
            assertEquals("max-age=31536000", tooLarge.headers().firstValue("Strict-Transport-Security").orElse(null), "431");
            String badUri = rawOverTls(trusting(keystore), server.server.port(), "GET /%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            assertTrue(badUri.startsWith("HTTP/1.1 400") && badUri.contains("Strict-Transport-Security: max-age=31536000"), badUri);

            HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            assertThrows(java.io.IOException.class, () -> plain.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.server.port() + "/health")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()), "plain HTTP is not served on the TLS port");
        }
    }

    /** Sends {@code request} as is over TLS (for requests no HTTP client would send) and returns the answer. */
    private static String rawOverTls(SSLContext context, int port, String request) throws Exception {
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    private static SSLContext trusting(Path keystore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
