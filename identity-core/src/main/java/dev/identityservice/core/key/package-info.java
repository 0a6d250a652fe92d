/**
 * Signing keys: their states and rotation, the immutable key ring, and encryption of private keys at rest.
 *
 * <h2>Life of a key</h2>
 * A key is born {@link dev.identityservice.core.key.KeyState#NEXT NEXT} (published in the JWKS, not
 * signing), becomes {@code ACTIVE} (the one key that signs) at a rotation, then {@code ROTATED}
 * (published, verify-only) at the following one. A compromised key becomes {@code REVOKED} (never
 * published) at once. After a tenant's first use there is always exactly one {@code ACTIVE} and one
 * {@code NEXT} key, so every key is in the JWKS one rotation before it signs, and guards with a
 * cached JWKS never meet an unknown {@code kid}.
 *
 * <h2>Defaults and units</h2>
 * <ul>
 *   <li>Algorithm: {@link dev.identityservice.core.key.SigningAlgorithm#DEFAULT} (RS256), per tenant;
 *       a change takes effect at the next rotation.</li>
 *   <li>RSA key size: {@link dev.identityservice.core.key.SigningKeyGenerator#DEFAULT_RSA_KEY_SIZE_BITS}
 *       (2048 bits; 3072 allowed). ES256 uses P-256, EdDSA Ed25519.</li>
 *   <li>Rotation period: per tenant, {@link dev.identityservice.core.tenant.Tenant#DEFAULT_ROTATION_PERIOD}
 *       (30 days) by default, measured from the ACTIVE key's activation by the injected clock.</li>
 *   <li>Retired keys kept: {@link dev.identityservice.core.key.KeyRotationPolicy#DEFAULT_MAX_ROTATED_KEYS}
 *       (8) ROTATED and {@link dev.identityservice.core.key.KeyRotationPolicy#DEFAULT_MAX_REVOKED_KEYS}
 *       (16) REVOKED; the oldest beyond these are deleted.</li>
 *   <li>Scheduler check and reload interval:
 *       {@link dev.identityservice.core.key.KeyRotationScheduler#DEFAULT_CHECK_INTERVAL} (1 minute): how
 *       long another instance's rotation may take to show on this one.</li>
 *   <li>Master key: 256-bit AES ({@link dev.identityservice.core.key.MasterKey#KEY_LENGTH_BYTES} = 32 bytes);
 *       private keys sealed with AES-256-GCM, 96-bit random nonce, 128-bit tag, bound to tenant and kid.</li>
 * </ul>
 *
 * <h2>Concurrency</h2>
 * Reading a ring takes no lock and does no I/O. Every change is one transaction that first locks
 * the tenant's row, so server instances sharing a database rotate one after another.
 */
package dev.identityservice.core.key;
