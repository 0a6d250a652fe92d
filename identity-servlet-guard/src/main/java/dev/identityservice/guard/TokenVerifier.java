package dev.identityservice.guard;

import dev.identityservice.guard.error.InvalidTokenException;
import dev.identityservice.guard.error.VerificationUnavailableException;

/**
 * Turns the bearer token of a request (RFC 6750 §2.1) into a {@link VerifiedToken}, or says why it
 * cannot. Implementations are thread-safe and do no I/O when what they need is cached.
 */
@FunctionalInterface
public interface TokenVerifier {

    /**
     * Verifies one token.
     *
     * @param token the token exactly as it appeared after {@code Bearer }
     * @return the verified token
     * @throws InvalidTokenException            if the token is not acceptable (answer 401)
     * @throws VerificationUnavailableException if it cannot be checked now (answer 503)
     */
    VerifiedToken verify(String token) throws InvalidTokenException, VerificationUnavailableException;
}
