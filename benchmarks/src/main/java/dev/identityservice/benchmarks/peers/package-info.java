/**
 * The guard against the raw JDK floor and the common Java JWT libraries (Nimbus, jose4j, auth0 java-jwt,
 * Spring Security), one class per JWS algorithm, all measured in one run (BENCHMARKS.md).
 */
package dev.identityservice.benchmarks.peers;
