/**
 * Setting a deployment up without a single manual call: the JSON import file
 * ({@link dev.identityservice.server.setup.SetupFile}, applied idempotently by
 * {@link dev.identityservice.server.setup.SetupImporter}) and the first-start bootstrap of an admin and a
 * demo client ({@link dev.identityservice.server.setup.Bootstrap}).
 */
package dev.identityservice.server.setup;
