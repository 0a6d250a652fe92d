package dev.identityservice.server.error;

import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.user.PasswordHashingBusyException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.Map;

/**
 * Password hashing is at capacity (a login storm filled its queue): 503 {@code temporarily_unavailable} in the
 * RFC 6749 §5.2 shape with {@code Retry-After} in seconds (RFC 9110 §15.6.4, §10.2.3). Nothing was verified, so
 * the caller may retry with the same credentials; requests that hash nothing never reach this queue.
 */
@Provider
public final class PasswordHashingBusyMapper implements ExceptionMapper<PasswordHashingBusyException> {

    @Override
    public Response toResponse(PasswordHashingBusyException busy) {
        return ErrorResponses.of(OAuthError.temporarilyUnavailable("Sign-in is busy; retry later"),
                Map.of("Retry-After", String.valueOf(busy.retryAfterSeconds())));
    }
}
