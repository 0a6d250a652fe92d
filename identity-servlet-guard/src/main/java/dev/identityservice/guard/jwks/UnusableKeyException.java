package dev.identityservice.guard.jwks;

/**
 * A JWKS entry the guard ignores (RFC 7517 §5: a key that cannot be used is ignored, the rest of the
 * set still serves); the message says why, for the log, and never contains key material.
 */
final class UnusableKeyException extends Exception {

    UnusableKeyException(String reason) {
        super(reason, null, false, false);
    }
}
