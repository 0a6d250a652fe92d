package dev.identityservice.core.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link OutboundHttp} over real TLS: a JDK HTTPS server on 127.0.0.1 with a certificate (made by keytool) for
 * {@code rp.example.test}, reached through a resolver that maps names to 127.0.0.1. The host name is verified (and
 * sent as Host) although the connection goes to a checked address, so checking the address never weakens TLS.
 */
class OutboundHttpsTest {

    private static final String PASSWORD = "keystore-password";
    private static final List<String> HOSTS = new CopyOnWriteArrayList<>();

    @TempDir
    static Path dir;
    private static HttpsServer server;
    private static SSLContext clientContext;

    @BeforeAll
    static void start() throws Exception {
        Path keystore = dir.resolve("rp.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "rp", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=rp.example.test",
                "-ext", "SAN=dns:rp.example.test", "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD).redirectErrorStream(true).start();
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, new String(keytool.getInputStream().readAllBytes()));
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, PASSWORD.toCharArray());
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(keys.getKeyManagers(), null, null);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, trust.getTrustManagers(), null);

        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverContext));
        server.createContext("/", exchange -> {
            HOSTS.add(String.valueOf(exchange.getRequestHeaders().getFirst("Host")));
            byte[] body = "{\"keys\":[]}".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    private static OutboundHttp toLoopback() {
        return new OutboundHttp(true, host -> new InetAddress[] {InetAddress.getByName("127.0.0.1")}, clientContext.getSocketFactory());
    }

    private static URI url(String host) {
        return URI.create("https://" + host + ":" + server.getAddress().getPort() + "/jwks");
    }

    @Test
    void getWhenCertificateNamesTheHostThenAnswered() throws IOException {
        OutboundHttp.Answer answer = toLoopback().get(url("rp.example.test"), 1000, Duration.ofSeconds(5));

        assertEquals(200, answer.status());
        assertEquals("{\"keys\":[]}", new String(answer.body(), StandardCharsets.US_ASCII));
        assertTrue(HOSTS.stream().anyMatch(h -> h.startsWith("rp.example.test:")), HOSTS.toString());
    }

    @Test
    void getWhenCertificateIsForAnotherHostThenHandshakeRefused() {
        assertThrows(SSLHandshakeException.class, () -> toLoopback().get(url("other.example.test"), 1000, Duration.ofSeconds(5)));
    }

    @Test
    void getWhenPrivateAddressesNotAllowedThenRefusedBeforeTls() {
        OutboundHttp strict = new OutboundHttp(false, host -> new InetAddress[] {InetAddress.getByName("127.0.0.1")},
                clientContext.getSocketFactory());
        assertThrows(OutboundHttp.RefusedAddressException.class, () -> strict.get(url("rp.example.test"), 1000, Duration.ofSeconds(5)));
    }
}
