/**
 * A bearer-token guard for resource servers (RFC 6750) that verifies access tokens from any
 * OpenID Connect issuer: JWTs (RFC 9068) against the issuer's JWKS, opaque tokens through
 * introspection (RFC 7662).
 *
 * <p>Start with {@link dev.identityservice.guard.GuardConfig}: build it in code or read it from
 * {@code web.xml} init-params, then use it with {@code servlet.BearerTokenFilter} or
 * {@code jaxrs.GuardFeature}. The verified result is a {@link dev.identityservice.guard.VerifiedToken};
 * a {@link dev.identityservice.guard.GuardListener} sees what the guard does.
 */
package dev.identityservice.guard;
