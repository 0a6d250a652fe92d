/**
 * The issuer's signing keys (RFC 7517) as the guard keeps them: discovered through OpenID Connect
 * Discovery, fetched over bounded HTTP, and held by {@link dev.identityservice.guard.jwks.CachingJwksSource}
 * as an immutable snapshot that request threads read without a lock.
 *
 * <p>The cache refreshes ahead of expiry in the background, lets one fetch run at a time, rate-limits
 * fetches caused by unknown key ids with a budget of their own, and keeps serving the last good set
 * while the issuer is unreachable, for a bounded time.
 */
package dev.identityservice.guard.jwks;
