package dev.identityservice.guard.testing;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * An OpenID provider on a real Jetty server (127.0.0.1, port 0) serving discovery, a JWKS and
 * introspection; counts every fetch and can be switched down, slow or to new keys.
 */
public final class FakeIssuer implements AutoCloseable {
    public static final String INTROSPECTION_CLIENT = "guard-client";
    public static final String INTROSPECTION_SECRET = "guard-secret";

    public final AtomicInteger discoveryFetches = new AtomicInteger();
    public final AtomicInteger jwksFetches = new AtomicInteger();
    public final AtomicInteger introspections = new AtomicInteger();
    private final Server server = new Server();
    private final Map<String, String> introspectionAnswers = new ConcurrentHashMap<>();
    private volatile List<String> published = List.of();
    private volatile boolean down;
    private volatile Duration delay = Duration.ZERO;
    private volatile String cacheControl;
    /** While set, every request is accepted and held unanswered until it opens. */
    private volatile CountDownLatch hanging;

    private FakeIssuer() {
    }

    public static FakeIssuer start(TestKey... keys) {
        FakeIssuer issuer = new FakeIssuer();
        issuer.publish(keys);
        ServerConnector connector = new ServerConnector(issuer.server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        issuer.server.addConnector(connector);
        issuer.server.setHandler(issuer.new Endpoints());
        try {
            issuer.server.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return issuer;
    }

    public String url() {
        return "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    public String jwksUrl() {
        return url() + "/jwks";
    }

    /** Publishes exactly these keys. */
    public void publish(TestKey... keys) {
        List<String> jwks = new ArrayList<>();
        for (TestKey key : keys) {
            jwks.add(key.publicJwk().toJSONString());
        }
        published = List.copyOf(jwks);
    }

    /** Publishes exactly these JWKS entries, as JSON text, well-formed or not. */
    public void publishRaw(String... entries) {
        published = List.of(entries);
    }

    public void down(boolean down) {
        this.down = down;
    }

    public void delay(Duration delay) {
        this.delay = delay;
    }

    /**
     * Accepts every request from now on and never answers it (the client's timeout ends it), until
     * {@link #stopHanging()} or {@link #close()}.
     */
    public void hang() {
        hanging = new CountDownLatch(1);
    }

    /** Answers again, the held requests included. */
    public void stopHanging() {
        CountDownLatch held = hanging;
        hanging = null;
        if (held != null) {
            held.countDown();
        }
    }

    public void cacheControl(String value) {
        this.cacheControl = value;
    }

    /** What introspection answers for {@code token}; unknown tokens are inactive. */
    public void introspectionAnswer(String token, String json) {
        introspectionAnswers.put(token, json);
    }

    @Override
    public void close() {
        stopHanging();
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private final class Endpoints extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String path = Request.getPathInContext(request);
            CountDownLatch held = hanging;
            if (held != null) {
                held.await();
            }
            if (!delay.isZero()) {
                Thread.sleep(delay.toMillis());
            }
            switch (path) {
                case "/.well-known/openid-configuration" -> {
                    discoveryFetches.incrementAndGet();
                    json(response, callback, down ? 503 : 200, "{\"issuer\":\"" + url() + "\",\"jwks_uri\":\"" + jwksUrl()
                            + "\",\"introspection_endpoint\":\"" + url() + "/introspect\"}");
                }
                case "/jwks" -> {
                    jwksFetches.incrementAndGet();
                    if (cacheControl != null) {
                        response.getHeaders().put(HttpHeader.CACHE_CONTROL, cacheControl);
                    }
                    json(response, callback, down ? 503 : 200, "{\"keys\":[" + String.join(",", published) + "]}");
                }
                case "/introspect" -> introspect(request, response, callback);
                default -> json(response, callback, 404, "{}");
            }
            return true;
        }

        private void introspect(Request request, Response response, Callback callback) throws Exception {
            introspections.incrementAndGet();
            String expected = "Basic " + Base64.getEncoder().encodeToString(
                    (INTROSPECTION_CLIENT + ":" + INTROSPECTION_SECRET).getBytes(StandardCharsets.UTF_8));
            if (down) {
                json(response, callback, 503, "{}");
                return;
            }
            if (!expected.equals(request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
                json(response, callback, 401, "{\"error\":\"invalid_client\"}");
                return;
            }
            String token = null;
            for (String pair : Content.Source.asString(request).split("&")) {
                if (pair.startsWith("token=")) {
                    token = URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8);
                }
            }
            json(response, callback, 200, token == null ? "{\"active\":false}"
                    : introspectionAnswers.getOrDefault(token, "{\"active\":false}"));
        }

        private void json(Response response, Callback callback, int status, String body) {
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            Content.Sink.write(response, true, body, callback);
        }
    }
}
