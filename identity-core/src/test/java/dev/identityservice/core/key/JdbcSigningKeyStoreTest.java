package dev.identityservice.core.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import dev.identityservice.core.store.jdbc.JdbcSigningKeyStore;
import dev.identityservice.core.testing.DatabaseKind;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JdbcSigningKeyStoreTest {

    private final SigningKeyGenerator generator = SigningKeyGenerator.withDefaults();

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void loadWhenKeysOfEveryAlgorithmStoredThenEqualKeysReturned(DatabaseKind kind) {
        try (KeyFixture fixture = KeyFixture.open(kind)) {
            List<SigningKey> keys = List.of(
                    generator.generate(KeyFixture.TENANT, SigningAlgorithm.RS256, KeyFixture.START).withState(KeyState.ACTIVE, KeyFixture.START),
                    generator.generate(KeyFixture.TENANT, SigningAlgorithm.ES256, KeyFixture.START.plusSeconds(1)),
                    generator.generate(KeyFixture.TENANT, SigningAlgorithm.EdDSA, KeyFixture.START.plusSeconds(2))
                            .withState(KeyState.ROTATED, KeyFixture.START.plusSeconds(3)));

            List<SigningKey> returned = fixture.store.update(KeyFixture.TENANT, (tenant, stored) -> new KeyChange(keys, List.of(), List.of()));

            assertEquals(keys, returned);
            assertEquals(keys, byCreation(fixture.store.load(KeyFixture.TENANT)));
            assertTrue(fixture.store.load("other").isEmpty());
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void updateWhenKeysChangedAndPurgedThenStoredThatWay(DatabaseKind kind) {
        try (KeyFixture fixture = KeyFixture.open(kind)) {
            SigningKey first = generator.generate(KeyFixture.TENANT, SigningAlgorithm.ES256, KeyFixture.START);
            SigningKey second = generator.generate(KeyFixture.TENANT, SigningAlgorithm.ES256, KeyFixture.START.plusSeconds(1));
            fixture.store.update(KeyFixture.TENANT, (tenant, stored) -> new KeyChange(List.of(first, second), List.of(), List.of()));
            SigningKey activated = first.withState(KeyState.ACTIVE, KeyFixture.START.plusSeconds(5));

            fixture.store.update(KeyFixture.TENANT, (tenant, stored) -> new KeyChange(List.of(), List.of(activated), List.of(second.kid())));

            assertEquals(List.of(activated), fixture.store.load(KeyFixture.TENANT));
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void updateWhenDecisionFailsThenNothingChanges(DatabaseKind kind) {
        try (KeyFixture fixture = KeyFixture.open(kind)) {
            SigningKey key = generator.generate(KeyFixture.TENANT, SigningAlgorithm.ES256, KeyFixture.START);
            SigningKey missing = generator.generate(KeyFixture.TENANT, SigningAlgorithm.ES256, KeyFixture.START);

            // The insert of key runs before the update of a key that does not exist fails: both roll back.
            assertThrows(IllegalStateException.class, () -> fixture.store.update(KeyFixture.TENANT,
                    (tenant, stored) -> new KeyChange(List.of(key), List.of(missing.withState(KeyState.ACTIVE, KeyFixture.START)), List.of())));
            assertTrue(fixture.store.load(KeyFixture.TENANT).isEmpty());
            assertThrows(IllegalArgumentException.class, () -> fixture.store.update("nobody", (tenant, stored) -> KeyChange.NONE));
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void storedRowsWhenReadWithPlainSqlThenNoPrivateKeyMaterial(DatabaseKind kind) {
        try (KeyFixture fixture = KeyFixture.open(kind)) {
            List<SigningKey> keys = List.of(
                    generator.generate(KeyFixture.TENANT, SigningAlgorithm.RS256, KeyFixture.START),
                    generator.generate(KeyFixture.TENANT, SigningAlgorithm.ES256, KeyFixture.START),
                    generator.generate(KeyFixture.TENANT, SigningAlgorithm.EdDSA, KeyFixture.START));
            fixture.store.update(KeyFixture.TENANT, (tenant, stored) -> new KeyChange(keys, List.of(), List.of()));
            List<String> secrets = new ArrayList<>();
            for (SigningKey key : keys) {
                secrets.add(privateExponent(key));
            }

            List<String> cells = allCells(fixture);

            assertEquals(keys.size() * 11, cells.size(), "every column of every row read");
            for (String cell : cells) {
                assertFalse(cell.contains("\"d\":"), "a column holds a private JWK member: " + cell);
                for (String secret : secrets) {
                    assertFalse(cell.contains(secret), "a column holds a private key value");
                }
            }
            JdbcSigningKeyStore otherMasterKey = new JdbcSigningKeyStore(fixture.database, new PrivateKeyCipher(MasterKey.generate()));
            IllegalStateException error = assertThrows(IllegalStateException.class, () -> otherMasterKey.load(KeyFixture.TENANT));
            assertTrue(keys.stream().anyMatch(key -> error.getMessage().contains(key.kid())), error.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void loadWhenSealedKeyMovedToAnotherKidsRowThenFails(DatabaseKind kind) {
        try (KeyFixture fixture = KeyFixture.open(kind)) {
            SigningKey victim = generator.generate(KeyFixture.TENANT, SigningAlgorithm.ES256, KeyFixture.START);
            SigningKey attacker = generator.generate(KeyFixture.TENANT, SigningAlgorithm.ES256, KeyFixture.START);
            fixture.store.update(KeyFixture.TENANT, (tenant, stored) -> new KeyChange(List.of(victim, attacker), List.of(), List.of()));

            fixture.database.withConnection(connection -> {
                try (PreparedStatement copy = connection.prepareStatement("UPDATE signing_keys SET private_key_sealed = "
                        + "(SELECT private_key_sealed FROM signing_keys WHERE kid = ?) WHERE kid = ?")) {
                    copy.setString(1, attacker.kid());
                    copy.setString(2, victim.kid());
                    return copy.executeUpdate();
                }
            });

            IllegalStateException error = assertThrows(IllegalStateException.class, () -> fixture.store.load(KeyFixture.TENANT));
            assertTrue(error.getMessage().contains(victim.kid()), error.getMessage());
        }
    }

    private static String privateExponent(SigningKey key) {
        if (key.jwk() instanceof RSAKey rsa) {
            return rsa.getPrivateExponent().toString();
        }
        if (key.jwk() instanceof ECKey ec) {
            return ec.getD().toString();
        }
        return ((OctetKeyPair) key.jwk()).getD().toString();
    }

    private static List<String> allCells(KeyFixture fixture) {
        return fixture.database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT * FROM signing_keys");
                 ResultSet rows = select.executeQuery()) {
                ResultSetMetaData meta = rows.getMetaData();
                List<String> cells = new ArrayList<>();
                while (rows.next()) {
                    for (int column = 1; column <= meta.getColumnCount(); column++) {
                        cells.add(String.valueOf(rows.getString(column)));
                    }
                }
                return cells;
            }
        });
    }

    private static List<SigningKey> byCreation(List<SigningKey> keys) {
        return keys.stream().sorted(Comparator.comparing(SigningKey::createdAt)).toList();
    }
}
