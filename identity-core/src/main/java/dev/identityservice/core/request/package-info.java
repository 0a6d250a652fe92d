/**
 * Authorization requests by value or by reference: request objects (RFC 9101, OIDC Core §6), verified against
 * the client's registered keys, and pushed authorization requests (RFC 9126), where a client posts its request
 * to the server first and sends the browser only a short-lived, one-time {@code request_uri} reference to it.
 */
package dev.identityservice.core.request;
