/**
 * Replay protection for one-time JWTs clients send (signed request objects, client assertions): each
 * {@code jti} is accepted once per client and purpose while the JWT is valid.
 */
package dev.identityservice.core.replay;
