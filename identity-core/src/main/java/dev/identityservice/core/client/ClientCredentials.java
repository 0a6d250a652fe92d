package dev.identityservice.core.client;

import java.util.Objects;

/**
 * What a client presented to authenticate at the token endpoint (RFC 6749 §2.3.1), and how.
 *
 * @param secret {@code null} exactly when {@code method} is {@link Method#NONE}
 */
public record ClientCredentials(String clientId, String secret, Method method) {

    /** The client authentication methods, with their RFC 7591 §2 {@code token_endpoint_auth_method} names. */
    public enum Method {
        /** HTTP Basic with the form-urlencoded id and secret. */
        BASIC("client_secret_basic"),
        /** {@code client_id} and {@code client_secret} in the request body. */
        POST("client_secret_post"),
        /** A public client: {@code client_id} only. */
        NONE("none"),
        /**
         * A JWT signed with one of the client's registered keys ({@code client_assertion}, RFC 7523 §2.2, OIDC
         * Core §9); such a client has no secret. Verified by {@link ClientAssertions}, never by a secret.
         */
        PRIVATE_KEY_JWT("private_key_jwt");

        private final String value;

        Method(String value) {
            this.value = value;
        }

        public String value() {
            return value;
        }

        /**
         * The method named {@code value}, its RFC 7591 §2 name.
         *
         * @throws IllegalArgumentException naming the supported methods when this server has no such method
         */
        public static Method parse(String value) {
            for (Method method : values()) {
                if (method.value.equals(value)) {
                    return method;
                }
            }
            throw new IllegalArgumentException("token_endpoint_auth_method must be client_secret_basic, client_secret_post, "
                    + "private_key_jwt or none; this server does not support '" + value + "'");
        }
    }

    public ClientCredentials {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(method, "method");
        if ((secret == null) != (method == Method.NONE)) {
            throw new IllegalArgumentException("a secret must be present exactly when the method is not none");
        }
    }

    /** A public client naming itself. */
    public static ClientCredentials none(String clientId) {
        return new ClientCredentials(clientId, null, Method.NONE);
    }

    /** Never shows the secret, so that a record printed to a log leaks nothing. */
    @Override
    public String toString() {
        return "ClientCredentials[clientId=" + clientId + ", method=" + method.value() + "]";
    }
}
