package dev.identityservice.server.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reading the answers of the browser flow: a redirect's query, an error page. */
final class Redirects {

    private Redirects() {
    }

    /** The query of the 302's {@code Location}, decoded; fails unless it is a redirect. */
    static Map<String, String> query(HttpResponse<String> response) {
        assertEquals(302, response.statusCode(), response.body());
        String location = response.headers().firstValue("Location").orElseThrow();
        Map<String, String> query = new LinkedHashMap<>();
        String raw = URI.create(location).getRawQuery();
        for (String pair : raw == null ? new String[0] : raw.split("&")) {
            int eq = pair.indexOf('=');
            query.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return query;
    }

    /** The 302's {@code Location} without its query. */
    static String target(HttpResponse<String> response) {
        assertEquals(302, response.statusCode(), response.body());
        String location = response.headers().firstValue("Location").orElseThrow();
        int query = location.indexOf('?');
        return query < 0 ? location : location.substring(0, query);
    }

    /** A 400 HTML error page, and no redirect. */
    static void assertErrorPage(HttpResponse<String> response) {
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Location").isEmpty());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), response.headers().toString());
    }

    /** The login page (200 HTML with the form). */
    static void assertLoginPage(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().contains("name=\"password\""), response.body());
    }
}
