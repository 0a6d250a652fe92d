/**
 * The JAX-RS edge: {@link dev.identityservice.guard.jaxrs.GuardFeature} authenticates bearer tokens
 * and makes {@code @RolesAllowed}, {@code @PermitAll} and {@code @DenyAll} work, answering 401 when
 * nobody is authenticated and 403 only when an authenticated caller lacks the role. Uses the
 * standard JAX-RS API only, no implementation internals.
 */
package dev.identityservice.guard.jaxrs;
