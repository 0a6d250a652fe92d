package dev.identityservice.server.endpoint;

import dev.identityservice.core.client.ResponseType;
import java.util.List;

/**
 * How the authorization endpoint hands its response to the client (OAuth 2.0 Multiple Response Type Encoding
 * Practices §2.1, OAuth 2.0 Form Post Response Mode §2): in the redirect URI's query, in its fragment, or as a
 * form the browser posts to it.
 */
enum ResponseMode {
    /** The default of {@code response_type=code}; never for tokens (Multiple Response Types §5). */
    QUERY("query"),
    /** The default of every response type that issues tokens: a fragment never reaches the client's server. */
    FRAGMENT("fragment"),
    /** An auto-submitted form: nothing in URLs, logs or the {@code Referer}. */
    FORM_POST("form_post");

    private final String value;

    ResponseMode(String value) {
        this.value = value;
    }

    /** The {@code response_mode} value. */
    String value() {
        return value;
    }

    /**
     * The modes a tenant offers: {@code query} and {@code form_post}, and {@code fragment} where it enables the
     * implicit and hybrid flows (whose tokens it carries).
     */
    static List<ResponseMode> supported(boolean implicitAndHybridFlows) {
        return implicitAndHybridFlows ? List.of(QUERY, FRAGMENT, FORM_POST) : List.of(QUERY, FORM_POST);
    }

    /**
     * The mode a response goes back in, errors included: the requested one when it is offered and may carry the
     * response type's tokens, otherwise the response type's default ({@link #defaultFor}), so that a refused
     * {@code response_mode=query} never puts anything of a token flow in a query.
     *
     * @param requested    the {@code response_mode} parameter, or {@code null}
     * @param responseType the parsed {@code response_type}, or {@code null} when missing or not supported
     */
    static ResponseMode of(String requested, ResponseType responseType, boolean implicitAndHybridFlows) {
        ResponseType type = responseType != null && (implicitAndHybridFlows || !responseType.frontChannel()) ? responseType : null;
        for (ResponseMode mode : supported(implicitAndHybridFlows)) {
            if (mode.value.equals(requested) && mode.carries(type)) {
                return mode;
            }
        }
        return defaultFor(type);
    }

    /** {@code query} for {@code code} (or an unknown type), {@code fragment} for any type that issues tokens (§2.1). */
    static ResponseMode defaultFor(ResponseType responseType) {
        return responseType != null && responseType.frontChannel() ? FRAGMENT : QUERY;
    }

    /** Whether this mode may carry the response of {@code responseType}: tokens never go in a query (§5). */
    boolean carries(ResponseType responseType) {
        return this != QUERY || responseType == null || !responseType.frontChannel();
    }
}
