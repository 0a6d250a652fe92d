package dev.identityservice.core.key;

/**
 * The life of a signing key.
 *
 * <ul>
 *   <li>{@code NEXT}: published in the JWKS, not yet signing, so that guards with a cached JWKS
 *       already know it when it starts signing;</li>
 *   <li>{@code ACTIVE}: the one key that signs; published;</li>
 *   <li>{@code ROTATED}: no longer signs, still published so its tokens verify until they expire;</li>
 *   <li>{@code REVOKED}: compromised or retired; never published, never used.</li>
 * </ul>
 */
public enum KeyState {
    NEXT, ACTIVE, ROTATED, REVOKED;

    public boolean published() {
        return this != REVOKED;
    }
}
