package dev.identityservice.guard.jaxrs;

import dev.identityservice.guard.error.BearerChallenge;
import dev.identityservice.guard.error.BearerError;
import dev.identityservice.guard.error.VerificationUnavailableException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/** The responses the JAX-RS edge aborts with, each carrying the RFC 6750 §3 challenge. */
final class GuardResponses {

    private GuardResponses() {
    }

    static Response unauthenticated(String realm) {
        return Response.status(Response.Status.UNAUTHORIZED)
                .header(HttpHeaders.WWW_AUTHENTICATE, BearerChallenge.withoutError(realm)).build();
    }

    static Response rejected(String realm, BearerError error) {
        return Response.status(error.status())
                .header(HttpHeaders.WWW_AUTHENTICATE, BearerChallenge.forError(realm, error)).build();
    }

    static Response unavailable(VerificationUnavailableException e) {
        return Response.status(Response.Status.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds())).build();
    }
}
