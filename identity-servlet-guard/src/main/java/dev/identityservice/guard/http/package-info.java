/**
 * The guard's only HTTP client: calls to the issuer (discovery, JWKS, introspection) with a
 * connect timeout, a whole-response timeout and a cap on the body size, so that a slow or hostile
 * issuer can cost a bounded amount of time and memory, and never on a request thread's hot path.
 */
package dev.identityservice.guard.http;
