/**
 * Token issuance: RFC 9068 JWT or opaque access tokens, OpenID Connect ID tokens (optionally
 * encrypted), custom claims, and the opaque-secret hashing used by every stored token.
 */
package dev.identityservice.core.token;
