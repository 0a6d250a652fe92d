/**
 * The token engine: users, clients, signing keys, access / ID / refresh tokens, grants,
 * revocation and persistence, with no HTTP. {@link dev.identityservice.core.IdentityEngine} wires it.
 */
package dev.identityservice.core;
