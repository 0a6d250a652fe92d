package dev.identityservice.core.client;

/** How a client's access tokens look: a self-contained RFC 9068 JWT, or an opaque handle resolved by introspection (RFC 7662). */
public enum AccessTokenFormat {
    JWT, OPAQUE
}
