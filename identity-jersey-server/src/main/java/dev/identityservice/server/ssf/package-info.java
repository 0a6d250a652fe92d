/**
 * The transmitter side of the OpenID Shared Signals Framework 1.0: configuration metadata, stream management and
 * poll delivery (RFC 8936) of the security events the engine raises ({@link dev.identityservice.core.event}).
 */
package dev.identityservice.server.ssf;
