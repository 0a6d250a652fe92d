/**
 * Dynamic client registration over HTTP: RFC 7591 (register), RFC 7592 (read, update, delete) and OpenID
 * Connect Registration 1.0. Client metadata is mapped to the management API's client shape and built and checked
 * by the same code; the tokens and the per-tenant bookkeeping are in {@code dev.identityservice.core.registration}.
 */
package dev.identityservice.server.registration;
