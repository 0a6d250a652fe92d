/**
 * What every endpoint needs from HTTP, done once: the tenant of the request
 * ({@link dev.identityservice.server.http.TenantResolver}), strict form bodies
 * ({@link dev.identityservice.server.http.Form}), client authentication
 * ({@link dev.identityservice.server.http.ClientAuthentication}), bearer tokens
 * ({@link dev.identityservice.server.http.BearerToken}), JSON bodies ({@link dev.identityservice.server.http.Json})
 * and the failed-login throttle ({@link dev.identityservice.server.http.LoginThrottle}).
 */
package dev.identityservice.server.http;
