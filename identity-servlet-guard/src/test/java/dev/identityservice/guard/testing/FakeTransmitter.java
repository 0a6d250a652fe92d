package dev.identityservice.guard.testing;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A security-event transmitter per the issue-15 wire contract, on a real Jetty server (127.0.0.1, port 0): OIDC
 * discovery with {@code token_endpoint}, a JWKS, the SSF configuration, a client_credentials token endpoint
 * ({@code client_secret_basic}, scope {@code security_events}), stream creation and deletion, and RFC 8936 polls
 * with acknowledgements, {@code setErrs} and a settable hold. SETs are signed at delivery with the current signing
 * key. It can be switched to answer 500, to hang, to forget its streams, or stopped and restarted on its port.
 */
public final class FakeTransmitter implements AutoCloseable {
    public static final String RECEIVER = "guard-receiver";
    public static final String RECEIVER_SECRET = "receiver-secret";

    public final AtomicInteger polls = new AtomicInteger();
    /** Every request to a stream or poll endpoint, answered or failed. */
    public final AtomicInteger ssfRequests = new AtomicInteger();
    public final AtomicInteger streamsCreated = new AtomicInteger();
    public final AtomicInteger streamsDeleted = new AtomicInteger();
    public final AtomicInteger tokensIssued = new AtomicInteger();
    public final AtomicInteger introspections = new AtomicInteger();
    /** Every {@code setErrs} member received, by jti: the {@code err} code. */
    public final Map<String, String> setErrs = new ConcurrentHashMap<>();
    private final Server server = new Server();
    private final ServerConnector connector;
    private final Clock clock;
    private final List<Raised> events = new ArrayList<>();
    private final Map<String, Set<String>> streams = new ConcurrentHashMap<>();
    private final Set<String> issuedTokens = ConcurrentHashMap.newKeySet();
    private final Map<String, String> introspectionAnswers = new ConcurrentHashMap<>();
    private volatile List<TestKey> published;
    private volatile TestKey signingKey;
    private volatile Duration hold = Duration.ofSeconds(1);
    private volatile int failStatus;
    private volatile long tokenLifetimeSeconds = 300;
    private volatile CountDownLatch hanging;
    private int port;
    private volatile String pollEndpointBase;
    private volatile int batch = 100;
    private volatile Duration answerDelay = Duration.ZERO;

    /** An event as raised; signed at delivery, its parts bent as a test asks. */
    private record Raised(String jti, Map<String, Object> header, Map<String, Object> claims, TestKey signer) {
    }

    private FakeTransmitter(Clock clock, TestKey signingKey) {
        this.clock = clock;
        this.signingKey = signingKey;
        this.published = List.of(signingKey);
        this.connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Endpoints());
    }

    /** Starts a transmitter that signs with and publishes {@code signingKey}; {@code clock} dates the events. */
    public static FakeTransmitter start(Clock clock, TestKey signingKey) {
        FakeTransmitter transmitter = new FakeTransmitter(clock, signingKey);
        try {
            transmitter.server.start();
            transmitter.port = transmitter.connector.getLocalPort();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return transmitter;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Publishes exactly these keys; the first signs from now on. */
    public void publish(TestKey... keys) {
        published = List.of(keys);
        signingKey = keys[0];
    }

    /** How long a poll with nothing pending is held (RFC 8936 long poll). */
    public void hold(Duration hold) {
        this.hold = hold;
    }

    /** At most {@code size} SETs per poll answer, with {@code moreAvailable} when more are pending. */
    public void batch(int size) {
        this.batch = size;
    }

    /** A poll answer with SETs is sent this much later (a slow transmitter, a long catch-up). */
    public void answerDelay(Duration delay) {
        this.answerDelay = delay;
    }

    /** Every SSF call answers this status (0: normal again). */
    public void failWith(int status) {
        this.failStatus = status;
    }

    /** Streams created from now on name their poll endpoint under {@code base} instead of this server. */
    public void pollEndpointBase(String base) {
        this.pollEndpointBase = base;
    }

    public void tokenLifetimeSeconds(long seconds) {
        this.tokenLifetimeSeconds = seconds;
    }

    /** Accepts every request and never answers, until {@link #stopHanging()}. */
    public void hang() {
        hanging = new CountDownLatch(1);
    }

    public void stopHanging() {
        CountDownLatch held = hanging;
        hanging = null;
        if (held != null) {
            held.countDown();
        }
    }

    /** Forgets every stream, as a transmitter that lost its state: polls answer 404. */
    public synchronized void loseStreams() {
        streams.clear();
        notifyAll();
    }

    public int openStreams() {
        return streams.size();
    }

    /** What introspection answers for {@code token}; unknown tokens are inactive. */
    public void introspectionAnswer(String token, String json) {
        introspectionAnswers.put(token, json);
    }

    /** Stops the server; {@link #restart()} brings it back on the same port. Events and streams are kept. */
    public void stop() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public void restart() {
        connector.setPort(port);
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- events of the contract's table -------------------------------------------------------------------

    public String accessTokenRevoked(String jti, long exp) {
        return raise("https://identityservice.dev/secevent/event-type/access-token-revoked",
                Map.of("format", "jwt_id", "iss", url(), "jti", jti), nowSeconds(), exp);
    }

    public String sessionRevoked(String sid, String sub, long cutoff, long tokensExpireBy) {
        return raise("https://schemas.openid.net/secevent/caep/event-type/session-revoked",
                Map.of("format", "complex", "session", Map.of("format", "opaque", "id", sid),
                        "user", Map.of("format", "iss_sub", "iss", url(), "sub", sub)), cutoff, tokensExpireBy);
    }

    public String userEvent(String type, String sub, long cutoff, long tokensExpireBy) {
        return raise(type, Map.of("format", "iss_sub", "iss", url(), "sub", sub), cutoff, tokensExpireBy);
    }

    public String keyRevoked(String kid, long tokensExpireBy) {
        return raise("https://identityservice.dev/secevent/event-type/signing-key-revoked",
                Map.of("format", "opaque", "id", kid), nowSeconds(), tokensExpireBy);
    }

    public String clientDisabled(String clientId, long cutoff, long tokensExpireBy) {
        return raise("https://identityservice.dev/secevent/event-type/client-disabled",
                Map.of("format", "opaque", "id", clientId), cutoff, tokensExpireBy);
    }

    /** Raises an event of {@code type} about {@code subject}. */
    public String raise(String type, Map<String, Object> subject, long eventTimestamp, long tokensExpireBy) {
        return raiseBent(type, subject, eventTimestamp, tokensExpireBy, header -> { }, claims -> { }, null);
    }

    /** Raises an event whose header and claims the consumers bend, signed by {@code signer} (null: the current key). */
    public synchronized String raiseBent(String type, Map<String, Object> subject, long eventTimestamp,
            long tokensExpireBy, Consumer<Map<String, Object>> header, Consumer<Map<String, Object>> claims,
            TestKey signer) {
        String jti = UUID.randomUUID().toString();
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("typ", "secevent+jwt");
        header.accept(h);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("iss", url());
        c.put("aud", RECEIVER);
        c.put("iat", nowSeconds());
        c.put("jti", jti);
        c.put("sub_id", subject);
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("event_timestamp", eventTimestamp);
        payload.put("tokens_expire_by", tokensExpireBy);
        c.put("events", Map.of(type, payload));
        claims.accept(c);
        events.add(new Raised(jti, h, c, signer));
        notifyAll();
        return jti;
    }

    public long nowSeconds() {
        return clock.millis() / 1000;
    }

    @Override
    public void close() {
        stopHanging();
        stop();
    }

    private String sign(Raised event) {
        TestKey key = event.signer != null ? event.signer : signingKey;
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", key.algorithm().getName());
        header.put("kid", key.kid());
        header.putAll(event.header);
        String input = Base64URL.encode(JSONObjectUtils.toJSONString(header)).toString() + "."
                + Base64URL.encode(JSONObjectUtils.toJSONString(event.claims)).toString();
        byte[] signature = key.sign(key.algorithm() == JWSAlgorithm.EdDSA ? JWSAlgorithm.EdDSA : key.algorithm(),
                input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + Base64URL.encode(signature);
    }

    private final class Endpoints extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String path = Request.getPathInContext(request);
            if (path.startsWith("/ssf/")) {
                ssfRequests.incrementAndGet();
            }
            CountDownLatch held = hanging;
            if (held != null) {
                held.await();
            }
            if (path.equals("/.well-known/openid-configuration")) {
                json(response, callback, 200, "{\"issuer\":\"" + url() + "\",\"jwks_uri\":\"" + url() + "/jwks\","
                        + "\"token_endpoint\":\"" + url() + "/token\",\"introspection_endpoint\":\"" + url()
                        + "/introspect\"}");
            } else if (path.equals("/jwks")) {
                List<String> keys = new ArrayList<>();
                for (TestKey key : published) {
                    keys.add(key.publicJwk().toJSONString());
                }
                json(response, callback, 200, "{\"keys\":[" + String.join(",", keys) + "]}");
            } else if (path.equals("/introspect")) {
                introspections.incrementAndGet();
                String token = null;
                for (String pair : Content.Source.asString(request).split("&")) {
                    if (pair.startsWith("token=")) {
                        token = java.net.URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8);
                    }
                }
                json(response, callback, 200, token == null ? "{\"active\":false}"
                        : introspectionAnswers.getOrDefault(token, "{\"active\":false}"));
            } else if (failStatus != 0) {
                json(response, callback, failStatus, "{\"error\":\"server_error\"}");
            } else if (path.equals("/.well-known/ssf-configuration")) {
                json(response, callback, 200, "{\"spec_version\":\"1_0\",\"issuer\":\"" + url() + "\",\"jwks_uri\":\""
                        + url() + "/jwks\",\"delivery_methods_supported\":[\"urn:ietf:rfc:8936\"],"
                        + "\"configuration_endpoint\":\"" + url() + "/ssf/streams\","
                        + "\"authorization_schemes\":[{\"spec_urn\":\"urn:ietf:rfc:6749\"}],\"default_subjects\":\"ALL\"}");
            } else if (path.equals("/token")) {
                token(request, response, callback);
            } else if (!authorized(request)) {
                response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
                json(response, callback, 401, "{\"error\":\"invalid_token\"}");
            } else if (path.equals("/ssf/streams")) {
                streams(request, response, callback);
            } else if (path.startsWith("/ssf/poll/")) {
                poll(path.substring("/ssf/poll/".length()), request, response, callback);
            } else {
                json(response, callback, 404, "{}");
            }
            return true;
        }

        private boolean authorized(Request request) {
            String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
            return authorization != null && authorization.startsWith("Bearer ")
                    && issuedTokens.contains(authorization.substring(7));
        }

        private void token(Request request, Response response, Callback callback) throws Exception {
            String expected = "Basic " + Base64.getEncoder().encodeToString(
                    (RECEIVER + ":" + RECEIVER_SECRET).getBytes(StandardCharsets.UTF_8));
            String form = Content.Source.asString(request);
            if (!expected.equals(request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
                json(response, callback, 401, "{\"error\":\"invalid_client\"}");
                return;
            }
            if (!form.contains("grant_type=client_credentials") || !form.contains("scope=security_events")) {
                json(response, callback, 400, "{\"error\":\"invalid_request\"}");
                return;
            }
            String token = UUID.randomUUID().toString();
            issuedTokens.add(token);
            tokensIssued.incrementAndGet();
            json(response, callback, 200, "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":"
                    + tokenLifetimeSeconds + ",\"scope\":\"security_events\"}");
        }

        private void streams(Request request, Response response, Callback callback) throws Exception {
            if (request.getMethod().equals("POST")) {
                Map<String, Object> body = JSONObjectUtils.parse(Content.Source.asString(request));
                Map<String, Object> delivery = JSONObjectUtils.getJSONObject(body, "delivery");
                if (delivery != null && !"urn:ietf:rfc:8936".equals(delivery.get("method"))) {
                    json(response, callback, 400, "{\"error\":\"invalid_request\"}");
                    return;
                }
                String id = UUID.randomUUID().toString();
                streams.put(id, ConcurrentHashMap.newKeySet());
                streamsCreated.incrementAndGet();
                json(response, callback, 201, "{\"stream_id\":\"" + id + "\",\"iss\":\"" + url() + "\",\"aud\":\"" + RECEIVER
                        + "\",\"delivery\":{\"method\":\"urn:ietf:rfc:8936\",\"endpoint_url\":\""
                        + (pollEndpointBase == null ? url() : pollEndpointBase) + "/ssf/poll/" + id
                        + "\"},\"events_supported\":[],\"events_requested\":[],\"events_delivered\":[]}");
            } else if (request.getMethod().equals("DELETE")) {
                String query = request.getHttpURI().getQuery();
                String id = query == null ? "" : query.replace("stream_id=", "");
                if (streams.remove(id) == null) {
                    json(response, callback, 404, "{}");
                    return;
                }
                streamsDeleted.incrementAndGet();
                response.setStatus(204);
                callback.succeeded();
            } else {
                json(response, callback, 405, "{}");
            }
        }

        private void poll(String id, Request request, Response response, Callback callback) throws Exception {
            polls.incrementAndGet();
            Set<String> acked = streams.get(id);
            if (acked == null) {
                json(response, callback, 404, "{\"error\":\"not_found\"}");
                return;
            }
            Map<String, Object> body = JSONObjectUtils.parse(Content.Source.asString(request));
            List<String> ack = JSONObjectUtils.getStringList(body, "ack");
            if (ack != null) {
                acked.addAll(ack);
            }
            Map<String, Object> errs = JSONObjectUtils.getJSONObject(body, "setErrs");
            if (errs != null) {
                for (Map.Entry<String, Object> err : errs.entrySet()) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> value = (Map<String, Object>) err.getValue();
                    setErrs.put(err.getKey(), String.valueOf(value.get("err")));
                    acked.add(err.getKey()); // reported: not delivered again
                }
            }
            boolean immediately = Boolean.TRUE.equals(body.get("returnImmediately"));
            long until = System.nanoTime() + hold.toNanos();
            Map<String, String> sets = new LinkedHashMap<>();
            boolean more;
            synchronized (FakeTransmitter.this) {
                while (true) {
                    if (!streams.containsKey(id)) {
                        json(response, callback, 404, "{\"error\":\"not_found\"}"); // lost while held
                        return;
                    }
                    more = false;
                    for (Raised event : events) {
                        if (!acked.contains(event.jti)) {
                            if (sets.size() < batch) {
                                sets.put(event.jti, sign(event));
                            } else {
                                more = true;
                            }
                        }
                    }
                    long left = until - System.nanoTime();
                    if (!sets.isEmpty() || immediately || left <= 0) {
                        break;
                    }
                    FakeTransmitter.this.wait(Math.max(1, left / 1_000_000));
                }
            }
            if (!sets.isEmpty() && !answerDelay.isZero()) {
                Thread.sleep(answerDelay.toMillis());
            }
            StringBuilder out = new StringBuilder("{\"sets\":{");
            boolean first = true;
            for (Map.Entry<String, String> set : sets.entrySet()) {
                out.append(first ? "" : ",").append('"').append(set.getKey()).append("\":\"").append(set.getValue()).append('"');
                first = false;
            }
            json(response, callback, 200, out.append("},\"moreAvailable\":").append(more).append("}").toString());
        }

        private void json(Response response, Callback callback, int status, String body) {
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            Content.Sink.write(response, true, body, callback);
        }
    }
}
