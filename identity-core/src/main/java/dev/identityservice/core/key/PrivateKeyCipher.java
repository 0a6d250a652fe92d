package dev.identityservice.core.key;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Seals private signing keys for storage: AES-256-GCM under the {@link MasterKey}.
 *
 * <p>The sealed text is base64url (no padding) of {@code version(1) || nonce(12) || ciphertext || tag(16)}.
 * The nonce is 96 random bits per seal. The associated data binds the ciphertext to the tenant
 * and the {@code kid}, so a sealed key copied into another row does not open. The version byte
 * leaves room for another format or another master key later.
 */
public final class PrivateKeyCipher {

    /** The only format so far: AES-256-GCM, 96-bit random nonce, 128-bit tag, AAD = version, tenant, kid. */
    public static final byte VERSION_1 = 1;

    private static final int NONCE_LENGTH_BYTES = 12;
    private static final int TAG_LENGTH_BITS = 128;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final MasterKey masterKey;

    public PrivateKeyCipher(MasterKey masterKey) {
        this.masterKey = Objects.requireNonNull(masterKey, "masterKey");
    }

    /** Encrypts the private JWK JSON of key {@code kid} of {@code tenantId}. */
    public String seal(String tenantId, String kid, String privateJwkJson) {
        byte[] nonce = new byte[NONCE_LENGTH_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce);
            cipher.updateAAD(associatedData(VERSION_1, tenantId, kid));
            byte[] ciphertext = cipher.doFinal(privateJwkJson.getBytes(StandardCharsets.UTF_8));
            ByteBuffer sealed = ByteBuffer.allocate(1 + NONCE_LENGTH_BYTES + ciphertext.length);
            sealed.put(VERSION_1).put(nonce).put(ciphertext);
            return ENCODER.encodeToString(sealed.array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal the private key of kid " + kid, e);
        }
    }

    /**
     * Decrypts what {@link #seal} produced for the same tenant and {@code kid}.
     *
     * @throws IllegalStateException naming the kid when the master key is not the one that sealed it,
     *         the text was sealed for another tenant or kid, or it is damaged
     */
    public String open(String tenantId, String kid, String sealed) {
        byte[] bytes;
        try {
            bytes = DECODER.decode(sealed);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the sealed private key of kid " + kid + " of tenant " + tenantId + " is not base64url");
        }
        if (bytes.length < 1 + NONCE_LENGTH_BYTES + TAG_LENGTH_BITS / 8) {
            throw new IllegalStateException("the sealed private key of kid " + kid + " of tenant " + tenantId + " is truncated");
        }
        if (bytes[0] != VERSION_1) {
            throw new IllegalStateException("the sealed private key of kid " + kid + " of tenant " + tenantId
                    + " has unknown format version " + bytes[0]);
        }
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, Arrays.copyOfRange(bytes, 1, 1 + NONCE_LENGTH_BYTES));
            cipher.updateAAD(associatedData(bytes[0], tenantId, kid));
            byte[] plaintext = cipher.doFinal(bytes, 1 + NONCE_LENGTH_BYTES, bytes.length - 1 - NONCE_LENGTH_BYTES);
            return new String(plaintext, StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("cannot open the private key of kid " + kid + " of tenant " + tenantId
                    + ": wrong master key, or the sealed key belongs to another key or tenant");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot open the private key of kid " + kid + " of tenant " + tenantId, e);
        }
    }

    private Cipher cipher(int mode, byte[] nonce) throws GeneralSecurityException {
        // Cipher instances are not thread-safe; creating one costs far less than the signing it protects.
        Cipher cipher = Cipher.getInstance(TRANSFORMATION);
        cipher.init(mode, masterKey.secretKey(), new GCMParameterSpec(TAG_LENGTH_BITS, nonce));
        return cipher;
    }

    /** {@code version || len(tenant) || tenant || kid}: the length prefix keeps ("a","bc") apart from ("ab","c"). */
    private static byte[] associatedData(byte version, String tenantId, String kid) {
        byte[] tenant = tenantId.getBytes(StandardCharsets.UTF_8);
        byte[] key = kid.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + Integer.BYTES + tenant.length + key.length)
                .put(version).putInt(tenant.length).put(tenant).put(key).array();
    }

    @Override
    public String toString() {
        return "PrivateKeyCipher[AES-256-GCM]";
    }
}
