package dev.identityservice.core.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClientSecretsTest {

    @Test
    void generateWhenCalledThenTwoHundredFiftySixRandomBitsInBase64Url() {
        String secret = ClientSecrets.generate();

        assertEquals(43, secret.length());
        assertTrue(secret.matches("[A-Za-z0-9_-]{43}"), secret);
        assertEquals(32, Base64.getUrlDecoder().decode(secret).length);
        assertNotEquals(secret, ClientSecrets.generate());
    }

    @Test
    void hashWhenKnownInputThenSha256OfUtf8InBase64Url() {
        // SHA-256 of 32 'a' characters, computed independently (sha256sum | xxd -r -p | base64url).
        assertEquals("sha256:O6P19DuSYCaDwZruYqIDQrCE3Vlx3dM4CNgaMoh5pUc", ClientSecrets.hash("a".repeat(32)));
    }

    @Test
    void hashWhenCalledThenNoPlaintextAndMatchesOnlyTheSecret() {
        String secret = ClientSecrets.generate();
        String hash = ClientSecrets.hash(secret);

        assertTrue(hash.startsWith("sha256:"));
        assertFalse(hash.contains(secret));
        assertTrue(ClientSecrets.matches(secret, hash));
        assertFalse(ClientSecrets.matches(secret + "x", hash));
        assertFalse(ClientSecrets.matches(secret.substring(1), hash));
    }

    @Test
    void hashWhenSecretShorterThan32CharactersThenRefusedNamingTheRule() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClientSecrets.hash("a".repeat(31)));

        assertTrue(e.getMessage().contains("32"), e.getMessage());
        assertFalse(e.getMessage().contains("aaaa"), "the message must not echo the secret");
        assertThrows(IllegalArgumentException.class, () -> ClientSecrets.hash(null));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "sha256:", "sha256:!!!", "M0pHxDflTR-9AyIShU73Ze3yNyT9mNKkBxQDgOYxVII",
            "sha512:M0pHxDflTR-9AyIShU73Ze3yNyT9mNKkBxQDgOYxVII", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"})
    void matchesWhenStoredHashMalformedOrForeignThenFalse(String stored) {
        assertFalse(ClientSecrets.matches("a".repeat(32), stored));
    }

    @Test
    void matchesWhenSecretNullThenFalse() {
        assertFalse(ClientSecrets.matches(null, ClientSecrets.hash("a".repeat(32))));
    }
}
