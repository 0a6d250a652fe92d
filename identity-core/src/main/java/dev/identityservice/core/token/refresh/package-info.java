/**
 * Refresh tokens: opaque, stored as SHA-256, rotated on every use with a conditional update, and
 * replay detection that revokes the whole family.
 */
package dev.identityservice.core.token.refresh;
