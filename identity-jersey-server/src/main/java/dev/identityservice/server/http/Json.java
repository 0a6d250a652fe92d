package dev.identityservice.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.identityservice.server.error.ErrorResponses;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** JSON responses: one shared, thread-safe Jackson mapper; bodies written as bytes. */
public final class Json {

    public static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private Json() {
    }

    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("value is not serializable as JSON", e);
        }
    }

    /** 200 with {@code body} and {@code Cache-Control: no-store} + {@code Pragma: no-cache} (RFC 6749 §5.1). */
    public static Response noStore(Object body) {
        return Response.ok(bytes(body), MediaType.APPLICATION_JSON_TYPE)
                .header(HttpHeaders.CACHE_CONTROL, ErrorResponses.NO_STORE)
                .header("Pragma", "no-cache")
                .build();
    }

    /** A {@code Cache-Control} that lets anyone cache for {@code maxAgeSeconds}. */
    public static CacheControl publicFor(int maxAgeSeconds) {
        CacheControl cacheControl = new CacheControl();
        cacheControl.setNoTransform(false);
        cacheControl.setMaxAge(maxAgeSeconds);
        return cacheControl;
    }
}
