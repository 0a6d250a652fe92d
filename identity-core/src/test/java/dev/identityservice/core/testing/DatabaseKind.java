package dev.identityservice.core.testing;

/** The databases every storage test runs on. */
public enum DatabaseKind {
    H2, POSTGRESQL
}
