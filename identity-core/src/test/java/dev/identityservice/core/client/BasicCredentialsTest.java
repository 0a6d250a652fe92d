package dev.identityservice.core.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.error.OAuthException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class BasicCredentialsTest {

    @Test
    void parseWhenRfc6749ExampleThenIdAndSecret() {
        // RFC 6749 §2.3.1: Authorization: Basic czZCaGRSa3F0Mzo3RmpmcDBaQnIxS3REUmJuZlZkbUl3
        ClientCredentials credentials = BasicCredentials.parse("Basic czZCaGRSa3F0Mzo3RmpmcDBaQnIxS3REUmJuZlZkbUl3");

        assertEquals(new ClientCredentials("s6BhdRkqt3", "7Fjfp0ZBr1KtDRbnfVdmIw", ClientCredentials.Method.BASIC), credentials);
    }

    @Test
    void parseWhenSecretHasEncodedColonThenDecoded() {
        assertEquals("a:b%c d", BasicCredentials.parse(basic("client", "a%3Ab%25c+d")).secret());
    }

    @Test
    void parseWhenSecretHasRawColonThenSplitAtTheFirstColon() {
        ClientCredentials credentials = BasicCredentials.parse(basic("client", "x:y:z"));

        assertEquals("client", credentials.clientId());
        assertEquals("x:y:z", credentials.secret());
    }

    @Test
    void parseWhenClientIdEncodedThenDecoded() {
        assertEquals("my client:1", BasicCredentials.parse(basic("my+client%3A1", "secret")).clientId());
    }

    @Test
    void parseWhenSchemeInOtherCaseThenAccepted() {
        assertEquals("client", BasicCredentials.parse(basic("client", "secret").replace("Basic", "bAsIc")).clientId());
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "Basic", "Basic ", "Bearer Y2xpZW50OnNlY3JldA==", "Basicx Y2xpZW50OnNlY3JldA==",
            "Basic not*base64", "Basic Y2xpZW50c2VjcmV0", /* "clientsecret": no colon */
            "Basic OnNlY3JldA==", /* ":secret": no id */ "Basic Y2xpZW50Og==", /* "client:": no secret */
            "Basic Y2xpZW50OnNlY3JldCU=", /* "client:secret%": broken escape */
            "Basic Y2xpZW50OnNlY3JldCV6eg==", /* "client:secret%zz" */ "Basic Y2xpZW50Ov8=" /* "client:\u00ff" invalid UTF-8 */})
    void parseWhenMalformedThenInvalidClient(String header) {
        OAuthError error = assertThrows(OAuthException.class, () -> BasicCredentials.parse(header)).error();

        assertEquals("invalid_client", error.code());
        assertEquals(401, error.httpStatus());
    }

    @Test
    void parseWhenHeaderTooLongThenInvalidClient() {
        assertThrows(OAuthException.class, () -> BasicCredentials.parse(basic("client", "s".repeat(5000))));
    }

    @Test
    void toStringWhenPrintedThenSecretNotShown() {
        assertFalse(BasicCredentials.parse(basic("client", "top-secret-value")).toString().contains("top-secret-value"));
    }

    private static String basic(String encodedId, String encodedSecret) {
        return "Basic " + Base64.getEncoder().encodeToString((encodedId + ":" + encodedSecret).getBytes(StandardCharsets.UTF_8));
    }
}
