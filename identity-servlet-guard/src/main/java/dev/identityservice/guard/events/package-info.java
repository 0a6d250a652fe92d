/**
 * Revocation events from the issuer: {@link dev.identityservice.guard.events.SecurityEventReceiver} polls the
 * issuer's Shared Signals stream (RFC 8417 SETs, RFC 8936 poll delivery) in the background and fills the
 * {@link dev.identityservice.guard.events.DenyList} that {@code verify.GuardTokenVerifier} checks every token
 * against, cached ones included; {@link dev.identityservice.guard.events.EventFreshness} says how current it is.
 */
package dev.identityservice.guard.events;
