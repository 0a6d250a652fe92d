/**
 * Grants (RFC 6749 §4): one handler per grant type, authorization codes and PKCE (RFC 7636),
 * and scope checks.
 */
package dev.identityservice.core.grant;
