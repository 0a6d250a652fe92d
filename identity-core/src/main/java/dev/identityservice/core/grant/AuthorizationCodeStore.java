package dev.identityservice.core.grant;

import java.time.Instant;
import java.util.Optional;

/** Where authorization codes live, by hash. */
public interface AuthorizationCodeStore {

    void insert(AuthorizationCode code);

    Optional<AuthorizationCode> find(String codeHash);

    /** Marks the code consumed only if it was not yet (a conditional update); {@code false} when another redemption won. */
    boolean consume(String codeHash, Instant at);

    /** Remembers what the redemption issued, so that a replay can revoke it. */
    void recordIssued(String codeHash, String familyId, String accessJti, Instant accessExpiresAt);

    /** Remembers the access token issued with the code in the authorization response, so that a replay can revoke it. */
    void recordFrontChannel(String codeHash, String accessJti, Instant accessExpiresAt);
}
