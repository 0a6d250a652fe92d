/**
 * What every endpoint needs from HTTP, done once: the tenant of the request
 * ({@link dev.identityservice.server.http.TenantResolver}), strict form bodies
 * ({@link dev.identityservice.server.http.Form}), client authentication
 * ({@link dev.identityservice.server.http.ClientAuthentication}), bearer tokens
 * ({@link dev.identityservice.server.http.BearerToken}), JSON bodies ({@link dev.identityservice.server.http.Json})
 * the trusted reverse proxies ({@link dev.identityservice.server.http.TrustedProxies}), the browser flow's cookies
 * ({@link dev.identityservice.server.http.BrowserCookies}) and CORS ({@link dev.identityservice.server.http.CorsFilter}).
 */
package dev.identityservice.server.http;
