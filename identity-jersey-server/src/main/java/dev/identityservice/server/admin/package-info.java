/**
 * The management API: users, clients, signing keys and tenants as JSON resources under {@code /admin}
 * (and {@code /t/{tenant}/admin}, operating on that tenant), each method {@code @RolesAllowed("admin")}.
 *
 * <p>The API is protected by our own {@code identity-servlet-guard} (dogfooding): {@link
 * dev.identityservice.server.admin.AdminGuard} confines the guard's {@code GuardFeature} to admin paths
 * and feeds it each tenant's JWKS in-process through {@link dev.identityservice.server.admin.TenantGuards}.
 * Request and response bodies reuse the import file's entries ({@code setup.SetupFile}), so one JSON shape
 * and one mapping serve both. Resources are thin: parse with {@link dev.identityservice.server.admin.AdminJson},
 * call the engine, write JSON; bad input is 400/404/409/413/415 JSON, never 500.
 */
package dev.identityservice.server.admin;
