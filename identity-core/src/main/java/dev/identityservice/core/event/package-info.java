/**
 * Security events for resource servers: a durable, per-tenant log of every revocation the server makes, delivered
 * to receivers as Security Event Tokens (RFC 8417) over poll streams (RFC 8936, OpenID Shared Signals Framework
 * 1.0), so that a guard holding self-contained JWT access tokens learns of a revocation without introspection.
 */
package dev.identityservice.core.event;
