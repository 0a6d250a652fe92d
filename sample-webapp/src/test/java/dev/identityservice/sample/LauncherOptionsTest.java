package dev.identityservice.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class LauncherOptionsTest {

    @Test
    void parseWhenNoArgumentsThenLoopback8081AndWebXmlDecidesTheRest() {
        LauncherOptions options = LauncherOptions.parse();
        assertEquals(new LauncherOptions("127.0.0.1", 8081, null, null, null, false), options);
        assertEquals(Map.of(), options.placeholderValues());
    }

    @Test
    void parseWhenEveryOptionGivenInBothSpellingsThenEachIsRead() {
        LauncherOptions options = LauncherOptions.parse("--host=0.0.0.0", "--port", "9090", "--issuer",
                "https://id.example.com", "--audience=orders-api", "--client-id", "web");
        assertEquals(new LauncherOptions("0.0.0.0", 9090, "https://id.example.com", "orders-api", "web", false), options);
        assertEquals(Map.of("SAMPLE_ISSUER", "https://id.example.com", "SAMPLE_AUDIENCE", "orders-api",
                "SAMPLE_CLIENT_ID", "web"), options.placeholderValues());
    }

    @Test
    void parseWhenHelpThenHelpAndUsageNamesEveryOption() {
        assertTrue(LauncherOptions.parse("--help").help());
        assertFalse(LauncherOptions.parse().help());
        for (String option : new String[] {"--host", "--port", "--issuer", "--audience", "--client-id"}) {
            assertTrue(LauncherOptions.USAGE.contains(option), option);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--prot=1|--prot=1: unknown option",
            "--port|--port: needs a value",
            "--port=http|--port: not a number: http",
            "--port=70000|--port: must be between 0 and 65535, not 70000",
            "--issuer=ftp://id.example.com|--issuer: must be an http(s) URL, not ftp://id.example.com",
            "--issuer=not a url|--issuer: not a URL: not a url",
            "--audience=|--audience: must not be blank",
            "--host= |--host: must not be blank"})
    void parseWhenOptionBadThenFailsNamingIt(String argument, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LauncherOptions.parse(argument));
        assertEquals(message, e.getMessage());
    }
}
