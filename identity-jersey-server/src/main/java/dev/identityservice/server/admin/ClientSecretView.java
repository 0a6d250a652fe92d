package dev.identityservice.server.admin;

/** A client's new secret, shown in this one response only; the server keeps its hash. */
record ClientSecretView(String clientId, String secret) {

    /** Never shows the secret. */
    @Override
    public String toString() {
        return "ClientSecretView[" + clientId + "]";
    }
}
