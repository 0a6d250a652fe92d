package dev.identityservice.server.admin;

import dev.identityservice.server.error.ErrorResponses;
import dev.identityservice.server.http.BoundedBody;
import dev.identityservice.server.http.Utf8;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.identityservice.core.error.OAuthError;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.stream.Collectors;

/**
 * JSON in and out of the management API. Request bodies are read strictly: {@code application/json} only
 * (else 415), at most {@value dev.identityservice.server.http.BoundedBody#MAX_BYTES} bytes (else 413), unknown fields and trailing content refused,
 * and every failure a 400 that names the field but never echoes the input (it may be a password).
 * Responses leave out null fields and are never cached.
 */
final class AdminJson {

    /** The largest request body: 64 KiB, far above any real user or client document. */

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // A field given twice would silently take its last value (RFC 8259 §4 leaves it undefined): refused,
            // like a repeated form parameter.
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private AdminJson() {
    }

    /** The body of {@code request} as a {@code type}; never null. */
    static <T> T read(ContainerRequestContext request, InputStream body, Class<T> type) {
        MediaType contentType = request.getMediaType();
        if (contentType == null || !"application".equals(contentType.getType()) || !"json".equals(contentType.getSubtype())) {
            throw new OAuthError("invalid_request", "Content-Type must be application/json", 415).exception();
        }
        String charset = contentType.getParameters().get(MediaType.CHARSET_PARAMETER);
        if (charset != null && !Utf8.isUtf8(charset)) {
            throw AdminErrors.invalid("The body must be UTF-8");
        }
        byte[] bytes = BoundedBody.read(body, request.getLength());
        if (bytes.length == 0) {
            throw AdminErrors.invalid("A JSON body is required");
        }
        T value;
        try {
            value = MAPPER.readValue(text(bytes), type);
        } catch (UnrecognizedPropertyException e) {
            throw AdminErrors.invalid("Unknown field '" + path(e) + "'");
        } catch (JsonParseException e) {
            rejectDuplicate(e);
            throw AdminErrors.invalid("Malformed JSON at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr());
        } catch (JsonMappingException e) {
            rejectDuplicate(e);
            String field = path(e);
            throw AdminErrors.invalid(field.isEmpty() ? "The body must be a JSON object" : "Field '" + field + "' has the wrong type");
        } catch (JacksonException e) {
            throw AdminErrors.invalid("Malformed JSON");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (value == null) {
            throw AdminErrors.invalid("The body must be a JSON object");
        }
        return value;
    }

    /**
     * The body as text: RFC 8259 §8.1 JSON is UTF-8, read strictly. Jackson given the bytes would guess UTF-16
     * or UTF-32 from their pattern and decode malformed UTF-8 leniently (the overlong {@code C0 AF} as
     * {@code /}). A leading byte order mark, which §8.1 lets a parser ignore, is ignored.
     */
    static String text(byte[] bytes) {
        String text = Utf8.decode(bytes).orElseThrow(() -> AdminErrors.invalid("The body is not valid UTF-8"));
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** 200 with {@code value} as JSON. */
    static Response ok(Object value) {
        return json(Response.ok(), value);
    }

    /** 201 with {@code Location} and {@code value} as JSON. */
    static Response created(URI location, Object value) {
        return json(Response.created(location), value);
    }

    private static Response json(Response.ResponseBuilder response, Object value) {
        try {
            return response.entity(MAPPER.writeValueAsBytes(value)).type(MediaType.APPLICATION_JSON_TYPE)
                    .header(HttpHeaders.CACHE_CONTROL, ErrorResponses.NO_STORE).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("value is not serializable as JSON", e);
        }
    }

    /** A 400 naming the field when {@code e} is, or wraps, the parser's duplicate-field error. */
    private static void rejectDuplicate(JacksonException e) {
        String duplicate = "Duplicate field '";
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t instanceof JacksonException j ? j.getOriginalMessage() : null;
            int end = message == null ? -1 : message.indexOf('\'', duplicate.length());
            if (message != null && message.startsWith(duplicate) && end > duplicate.length()) {
                throw AdminErrors.invalid("Field '" + printable(message.substring(duplicate.length(), end)) + "' is repeated");
            }
        }
    }

    /** A field name as it may be shown: ASCII, at most 40 characters. */
    private static String printable(String name) {
        String shown = name.length() > 40 ? name.substring(0, 40) : name;
        return shown.replaceAll("[^\\x21-\\x7e]", "?");
    }

    /** The dotted path of the field a mapping error is about, e.g. {@code profile.email} or {@code roles[2]}. */
    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining())
                .replaceFirst("^\\.", "");
    }
}
