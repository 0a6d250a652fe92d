package dev.identityservice.core.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class PrivateKeyCipherTest {

    private static final String JWK = "{\"kty\":\"EC\",\"d\":\"secret-part\",\"kid\":\"k1\"}";

    private final MasterKey masterKey = MasterKey.generate();
    private final PrivateKeyCipher cipher = new PrivateKeyCipher(masterKey);

    @Test
    void openWhenSameTenantAndKidThenReturnsThePlaintext() {
        assertEquals(JWK, cipher.open("acme", "k1", cipher.seal("acme", "k1", JWK)));
    }

    @Test
    void sealWhenCalledTwiceThenFreshNonceAndVersionPrefix() {
        String first = cipher.seal("acme", "k1", JWK);
        String second = cipher.seal("acme", "k1", JWK);

        assertNotEquals(first, second);
        byte[] bytes = Base64.getUrlDecoder().decode(first);
        assertEquals(PrivateKeyCipher.VERSION_1, bytes[0]);
        assertEquals(1 + 12 + JWK.length() + 16, bytes.length);
        assertFalse(first.contains("secret"));
    }

    @Test
    void openWhenOtherMasterKeyThenIllegalStateNamingKidButNotTheKey() {
        String sealed = cipher.seal("acme", "k1", JWK);
        MasterKey other = MasterKey.generate();

        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> new PrivateKeyCipher(other).open("acme", "k1", sealed));
        assertTrue(error.getMessage().contains("k1"), error.getMessage());
        assertFalse(error.getMessage().contains(other.toBase64()));
        assertFalse(error.getMessage().contains(masterKey.toBase64()));
    }

    @Test
    void openWhenSealedForAnotherKidOrTenantThenFails() {
        String sealed = cipher.seal("acme", "k1", JWK);

        assertThrows(IllegalStateException.class, () -> cipher.open("acme", "k2", sealed));
        assertThrows(IllegalStateException.class, () -> cipher.open("other", "k1", sealed));
        // The length prefix keeps a shifted boundary between tenant and kid from matching.
        assertThrows(IllegalStateException.class, () -> cipher.open("acmek", "1", sealed));
    }

    @Test
    void openWhenTamperedOrUnknownVersionThenFails() {
        byte[] bytes = Base64.getUrlDecoder().decode(cipher.seal("acme", "k1", JWK));
        bytes[bytes.length - 1] ^= 1;
        String tampered = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        bytes[bytes.length - 1] ^= 1;
        bytes[0] = 2;
        String futureVersion = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);

        assertThrows(IllegalStateException.class, () -> cipher.open("acme", "k1", tampered));
        IllegalStateException version = assertThrows(IllegalStateException.class, () -> cipher.open("acme", "k1", futureVersion));
        assertTrue(version.getMessage().contains("version 2"), version.getMessage());
        assertThrows(IllegalStateException.class, () -> cipher.open("acme", "k1", "short"));
    }
}
