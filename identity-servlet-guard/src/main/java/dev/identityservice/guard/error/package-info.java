/**
 * Error values and exceptions of the guard, shaped by RFC 6750 §3: an immutable {@link
 * dev.identityservice.guard.error.BearerError}, the exceptions that carry one, and {@link
 * dev.identityservice.guard.error.BearerChallenge}, the single writer of {@code WWW-Authenticate}.
 *
 * <p>A bad token ({@link dev.identityservice.guard.error.InvalidTokenException}) and a token that
 * cannot be checked right now ({@link dev.identityservice.guard.error.VerificationUnavailableException})
 * are kept apart on purpose: the first is a 401, the second a 503, so that an issuer outage never
 * sends clients into a login loop.
 */
package dev.identityservice.guard.error;
