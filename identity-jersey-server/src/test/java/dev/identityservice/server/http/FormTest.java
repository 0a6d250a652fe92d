package dev.identityservice.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.identityservice.core.error.OAuthException;
import dev.identityservice.server.error.ChallengeException;
import jakarta.ws.rs.core.MediaType;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FormTest {

    @Test
    void parseWhenEncodedThenDecodedPlusAsSpaceAndUtf8() {
        Form form = Form.parse("a=x+y%2Bz&b=%C3%A9&c=&d".getBytes(StandardCharsets.US_ASCII));

        assertEquals("x y+z", form.get("a"));
        assertEquals("é", form.get("b"));
        assertEquals("", form.get("c"));
        assertEquals(null, form.optional("d"));
    }

    @Test
    void parseWhenRepeatedEvenIfEncodedDifferentlyThenInvalidRequest() {
        OAuthException e = assertThrows(OAuthException.class, () -> Form.parse("scope=a&%73cope=b".getBytes(StandardCharsets.US_ASCII)));

        assertEquals("invalid_request", e.error().code());
    }

    @Test
    void readWhenDeclaredLengthTooLargeThen413WithoutReading() {
        ChallengeException e = assertThrows(ChallengeException.class, () -> Form.read(MediaType.APPLICATION_FORM_URLENCODED_TYPE,
                BoundedBody.MAX_BYTES + 1L, new ByteArrayInputStream(new byte[0])));

        assertEquals(413, e.error().httpStatus());
        assertEquals("close", e.headers().get("Connection"));
    }

    @Test
    void readWhenNoContentTypeThenInvalidRequest() {
        assertThrows(OAuthException.class, () -> Form.read(null, 0, new ByteArrayInputStream(new byte[0])));
    }

    @Test
    void parseWhenTooManyParametersThenInvalidRequest() {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i <= Form.MAX_PARAMETERS; i++) {
            body.append("p").append(i).append("=1&");
        }
        assertThrows(OAuthException.class, () -> Form.parse(body.toString().getBytes(StandardCharsets.US_ASCII)));
    }
}
