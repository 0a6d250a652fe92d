package dev.identityservice.core.event;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.identityservice.core.key.KeyRing;
import dev.identityservice.core.key.KeyRingProvider;
import dev.identityservice.core.key.SigningKey;
import dev.identityservice.core.tenant.Tenant;
import java.time.Clock;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Renders a stored event as a Security Event Token (RFC 8417): a JWS signed at delivery with the tenant's ACTIVE key
 * (never a revoked one, so that even the event revoking the previous key verifies), header {@code typ: secevent+jwt}
 * (§2.3) and the key's {@code kid}; claims {@code iss}, {@code aud} (the receiver's client id), {@code iat},
 * {@code jti} (the event's id, the same at every redelivery), {@code sub_id} (SSF 1.0 §4, RFC 9493) and
 * {@code events} with exactly one member, whose payload holds {@code event_timestamp} and our extension
 * {@code tokens_expire_by} (NumericDates).
 */
public final class SecurityEventTokens {

    /** RFC 8417 §2.3: the {@code typ} header of a SET. */
    public static final JOSEObjectType TYPE = new JOSEObjectType("secevent+jwt");

    private final KeyRingProvider keys;
    private final Clock clock;

    public SecurityEventTokens(KeyRingProvider keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /**
     * The signed SET of {@code event} for the receiver {@code clientId} of {@code tenant}.
     *
     * @return the compact JWS
     * @throws IllegalStateException if signing fails (a broken key: a server fault)
     */
    public String sign(Tenant tenant, String clientId, SecurityEvent event) {
        String issuer = tenant.issuer().toString();
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("event_timestamp", event.eventTimestamp().getEpochSecond());
        payload.put("tokens_expire_by", event.tokensExpireBy().getEpochSecond());
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(clientId)
                .issueTime(Date.from(clock.instant()))
                .jwtID(event.id())
                .claim("sub_id", subject(issuer, event))
                .claim("events", Map.of(event.type().uri(), payload))
                .build();
        KeyRing ring = keys.keyRing(tenant.id());
        SigningKey key = ring.active();
        JWSHeader header = new JWSHeader.Builder(key.algorithm().jwsAlgorithm()).type(TYPE).keyID(key.kid()).build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(ring.activeSigner());
        } catch (JOSEException e) {
            throw new IllegalStateException("signing a SET with key " + key.kid() + " failed", e);
        }
        return jwt.serialize();
    }

    /** The {@code sub_id} of the event (SSF 1.0 §4.1, RFC 9493 §3). */
    static Map<String, Object> subject(String issuer, SecurityEvent event) {
        Map<String, Object> subject = new LinkedHashMap<>();
        subject.put("format", event.subjectFormat());
        switch (event.subjectFormat()) {
            case SecurityEvent.JWT_ID -> {
                subject.put("iss", issuer);
                subject.put("jti", event.subjectId());
            }
            case SecurityEvent.ISS_SUB -> {
                subject.put("iss", issuer);
                subject.put("sub", event.userSubject());
            }
            case SecurityEvent.COMPLEX -> {
                subject.put("session", Map.of("format", SecurityEvent.OPAQUE, "id", event.sessionId()));
                subject.put("user", Map.of("format", SecurityEvent.ISS_SUB, "iss", issuer, "sub", event.userSubject()));
            }
            default -> subject.put("id", event.subjectId());
        }
        return subject;
    }
}
