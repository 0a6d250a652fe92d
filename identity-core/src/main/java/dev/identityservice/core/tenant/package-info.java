/** Tenants: independent issuers served by one engine, each with its own keys, users and clients. */
package dev.identityservice.core.tenant;
