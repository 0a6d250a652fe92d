/**
 * Requests the server makes to URLs its clients chose (back-channel logout POSTs, {@code jwks_uri} fetches): one
 * {@link dev.identityservice.core.outbound.OutboundHttp} that refuses loopback, private, link-local and other
 * non-public addresses unless told otherwise, checked on the address actually connected to.
 */
package dev.identityservice.core.outbound;
