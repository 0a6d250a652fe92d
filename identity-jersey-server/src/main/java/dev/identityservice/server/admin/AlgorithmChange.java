package dev.identityservice.server.admin;

/** The body of {@code PUT /admin/keys/algorithm}: {@code RS256}, {@code ES256} or {@code EdDSA}. */
record AlgorithmChange(String algorithm) {
}
