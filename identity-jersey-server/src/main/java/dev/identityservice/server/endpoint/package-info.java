/**
 * The OAuth 2.0 / OpenID Connect endpoints, one JAX-RS resource class each, and each thin: parse the
 * request with {@code server.http}, call the engine, write the response. A tenant's endpoints live under its
 * issuer, at the paths of {@link dev.identityservice.server.endpoint.EndpointPaths}.
 */
package dev.identityservice.server.endpoint;
