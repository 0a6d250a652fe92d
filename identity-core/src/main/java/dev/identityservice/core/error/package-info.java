/** The engine's error model: an immutable {@link dev.identityservice.core.error.OAuthError} value and the one exception that carries it. */
package dev.identityservice.core.error;
