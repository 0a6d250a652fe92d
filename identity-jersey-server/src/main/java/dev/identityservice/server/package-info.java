/**
 * The standalone identity server: {@link dev.identityservice.server.IdentityServer} wires the engine of
 * {@code identity-core} to Jetty and Jersey; {@link dev.identityservice.server.ServerConfig} is its
 * immutable configuration, read by {@link dev.identityservice.server.ConfigLoader} from one properties
 * file, {@code IDENTITY_*} environment variables and command-line flags (in rising precedence).
 */
package dev.identityservice.server;
