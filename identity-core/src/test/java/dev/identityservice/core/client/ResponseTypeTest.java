package dev.identityservice.core.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Response types as sets (Multiple Response Types §3), and their agreement with grant types (RFC 7591 §2.1). */
class ResponseTypeTest {

    @Test
    void parseWhenWordsInAnyOrderThenSameValue() {
        assertEquals(ResponseType.parse("code id_token token"), ResponseType.parse("token code  id_token"));
        assertEquals("code id_token token", ResponseType.parse("id_token token code").value());
        assertEquals(ResponseType.CODE, ResponseType.parse("code"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "token", "none", "code code", "id_token id_token", "code foo", "Code"})
    void parseWhenUnsupportedOrRepeatedThenRefused(String value) {
        assertThrows(IllegalArgumentException.class, () -> ResponseType.parse(value));
    }

    @Test
    void grantTypesWhenHybridThenBothAndCodeAloneIsNotFrontChannel() {
        assertEquals(Set.of(GrantType.AUTHORIZATION_CODE, GrantType.IMPLICIT), ResponseType.parse("code token").grantTypes());
        assertEquals(Set.of(GrantType.IMPLICIT), ResponseType.parse("id_token").grantTypes());
        assertFalse(ResponseType.CODE.frontChannel());
        assertTrue(ResponseType.parse("code id_token").frontChannel());
    }

    @Test
    void clientWhenNoResponseTypesThenCodeExactlyWithTheCodeGrant() {
        assertEquals(Set.of(ResponseType.CODE), client(Set.of(GrantType.AUTHORIZATION_CODE), Set.of()).responseTypes());
        assertEquals(Set.of(), client(Set.of(GrantType.CLIENT_CREDENTIALS), Set.of()).responseTypes());
    }

    @Test
    void rulesWhenResponseTypeLacksItsGrantThenRefusedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClientRegistrationRules
                .requireConsistentResponseTypes(client(Set.of(GrantType.AUTHORIZATION_CODE), Set.of(ResponseType.parse("code id_token")))));
        assertTrue(e.getMessage().contains("implicit"), e.getMessage());
    }

    @Test
    void rulesWhenGrantUnusedThenRefused() {
        assertThrows(IllegalArgumentException.class, () -> ClientRegistrationRules.requireConsistentResponseTypes(
                client(Set.of(GrantType.AUTHORIZATION_CODE, GrantType.IMPLICIT), Set.of(ResponseType.CODE))));
        assertThrows(IllegalArgumentException.class, () -> ClientRegistrationRules.requireConsistentResponseTypes(
                client(Set.of(GrantType.AUTHORIZATION_CODE, GrantType.IMPLICIT), Set.of(ResponseType.parse("id_token")))));
    }

    @Test
    void rulesWhenConsistentThenAcceptedAndClientAllowsOnlyWhatItRegistered() {
        Client client = client(Set.of(GrantType.AUTHORIZATION_CODE, GrantType.IMPLICIT),
                Set.of(ResponseType.CODE, ResponseType.parse("id_token")));
        ClientRegistrationRules.requireConsistentResponseTypes(client);
        assertTrue(client.allows(ResponseType.parse("id_token")));
        assertFalse(client.allows(ResponseType.parse("code id_token")));
        // A stored client whose implicit grant was taken away loses its front-channel types with it.
        Client withoutImplicit = client.toBuilder().grantTypes(Set.of(GrantType.AUTHORIZATION_CODE)).build();
        assertFalse(withoutImplicit.allows(ResponseType.parse("id_token")));
    }

    private static Client client(Set<GrantType> grants, Set<ResponseType> responseTypes) {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        return Client.builder("t", "c").secretHash("x").redirectUri("https://app.example.com/cb").grantTypes(grants)
                .responseTypes(responseTypes).createdAt(now).updatedAt(now).build();
    }
}
