package dev.identityservice.server.ssf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A receiver client of a {@link TestServer}: its token, its stream, its polls; and a SET verified against the JWKS. */
final class SsfReceiver {

    final TestServer server;
    final String clientId;
    final String token;

    private SsfReceiver(TestServer server, String clientId, String token) {
        this.server = server;
        this.clientId = clientId;
        this.token = token;
    }

    /** Registers a confidential client allowed {@code security_events} and takes a client_credentials token. */
    static SsfReceiver register(TestServer server, String clientId) {
        return register(server, clientId, java.time.Instant.now());
    }

    /** {@link #register(TestServer, String)} by a server on a settable clock that reads {@code now}. */
    static SsfReceiver register(TestServer server, String clientId, java.time.Instant now) {
        server.save(server.confidential(Tenant.DEFAULT_ID, clientId).scopes(Set.of("security_events")).createdAt(now).updatedAt(now));
        return new SsfReceiver(server, clientId, token(server, clientId, "security_events"));
    }

    /** {@code receiver}'s client and token, calling {@code server} (another instance on the same database). */
    static SsfReceiver sameClientOn(TestServer server, SsfReceiver receiver) {
        return new SsfReceiver(server, receiver.clientId, receiver.token);
    }

    /** The same receiver with a new token (after a key revocation killed the old one). */
    SsfReceiver withNewToken() {
        return new SsfReceiver(server, clientId, token(server, clientId, "security_events"));
    }

    static String token(TestServer server, String clientId, String scope) {
        HttpResponse<String> response = server.post("/oauth2/token", TestServer.form("grant_type", "client_credentials", "scope", scope),
                "Authorization", TestServer.basic(clientId, TestServer.SECRET));
        assertEquals(200, response.statusCode(), response.body());
        return TestServer.json(response.body()).get("access_token").asText();
    }

    HttpResponse<String> createStream(String body) {
        return server.post("/ssf/streams", body, "Authorization", "Bearer " + token, "Content-Type", "application/json");
    }

    /** A new stream's id (201 checked). */
    String newStream() {
        HttpResponse<String> created = createStream("{\"delivery\":{\"method\":\"urn:ietf:rfc:8936\"},\"description\":\"test\"}");
        assertEquals(201, created.statusCode(), created.body());
        return TestServer.json(created.body()).get("stream_id").asText();
    }

    HttpResponse<String> poll(String streamId, String body) {
        return server.post("/ssf/poll/" + streamId, body, "Authorization", "Bearer " + token, "Content-Type", "application/json");
    }

    /** Polls with returnImmediately and answers the SETs by jti, in the order served. */
    Map<String, String> pollNow(String streamId, String... acks) {
        String ackJson = acks.length == 0 ? "" : ",\"ack\":[\"" + String.join("\",\"", acks) + "\"]";
        HttpResponse<String> response = poll(streamId, "{\"returnImmediately\":true" + ackJson + "}");
        assertEquals(200, response.statusCode(), response.body());
        JsonNode sets = TestServer.json(response.body()).get("sets");
        Map<String, String> byJti = new java.util.LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = sets.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> set = it.next();
            byJti.put(set.getKey(), set.getValue().asText());
        }
        return byJti;
    }

    /** The SETs of a poll, each verified: signature against the published JWKS, typ, iss, aud, one event. */
    List<SignedJWT> verifiedSets(String streamId, String... acks) throws Exception {
        JWKSet jwks = JWKSet.parse(server.get("/oauth2/jwks").body());
        List<SignedJWT> verified = new ArrayList<>();
        for (Map.Entry<String, String> entry : pollNow(streamId, acks).entrySet()) {
            SignedJWT set = SignedJWT.parse(entry.getValue());
            assertEquals(new JOSEObjectType("secevent+jwt"), set.getHeader().getType());
            JWK key = jwks.getKeyByKeyId(set.getHeader().getKeyID());
            assertTrue(key != null, "the SET's kid is in the JWKS");
            assertTrue(set.verify(new DefaultJWSVerifierFactory().createJWSVerifier(set.getHeader(), ((AsymmetricJWK) key).toPublicKey())),
                    "SET signature verifies against the JWKS");
            assertEquals(entry.getKey(), set.getJWTClaimsSet().getJWTID());
            assertEquals(server.server.issuer().toString(), set.getJWTClaimsSet().getIssuer());
            assertEquals(List.of(clientId), set.getJWTClaimsSet().getAudience());
            assertTrue(set.getJWTClaimsSet().getIssueTime() != null);
            assertEquals(1, set.getJWTClaimsSet().getJSONObjectClaim("events").size());
            verified.add(set);
        }
        return verified;
    }

    /** The one event type URI of a SET. */
    static String type(SignedJWT set) throws Exception {
        return set.getJWTClaimsSet().getJSONObjectClaim("events").keySet().iterator().next();
    }

    /** The payload of a SET's one event. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> payload(SignedJWT set) throws Exception {
        return (Map<String, Object>) set.getJWTClaimsSet().getJSONObjectClaim("events").values().iterator().next();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> subject(SignedJWT set) throws Exception {
        return (Map<String, Object>) set.getJWTClaimsSet().getClaim("sub_id");
    }

    static long number(Map<String, Object> payload, String name) {
        return ((Number) payload.get(name)).longValue();
    }
}
