package dev.identityservice.sample;

import com.nimbusds.jose.util.JSONObjectUtils;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Writes a JSON object as a servlet response; Nimbus's writer, which the guard brings anyway. */
final class Json {

    private Json() {
    }

    static void write(HttpServletResponse response, Map<String, ?> object) throws IOException {
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        // The answers depend on the caller's token or on settings: never from a shared cache.
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(JSONObjectUtils.toJSONString(object));
    }
}
