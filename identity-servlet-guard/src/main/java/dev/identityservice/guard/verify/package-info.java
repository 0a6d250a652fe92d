/**
 * How a token is verified: {@link dev.identityservice.guard.verify.JwtTokenVerifier} for JWT access
 * tokens (RFC 9068, RFC 7515), {@link dev.identityservice.guard.verify.IntrospectionTokenVerifier}
 * for opaque ones (RFC 7662), {@link dev.identityservice.guard.verify.RolesExtractor} for where roles
 * live, and {@link dev.identityservice.guard.verify.GuardTokenVerifier}, which puts them together
 * behind a verified-token cache.
 */
package dev.identityservice.guard.verify;
