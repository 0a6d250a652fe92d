/**
 * Dynamic client registration (RFC 7591, RFC 7592, OpenID Connect Registration 1.0): the per-tenant
 * {@link dev.identityservice.core.registration.RegistrationMode}, initial access tokens, and the registration
 * access tokens of dynamically registered clients. The HTTP endpoints are in the server module.
 */
package dev.identityservice.core.registration;
