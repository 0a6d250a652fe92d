/**
 * A small app guarded by {@code identity-servlet-guard} in both of its styles, deployed from one
 * {@code web.xml}: {@link dev.identityservice.guard.servlet.BearerTokenFilter} authenticates every
 * request under {@code /api/*} and {@code /servlet/*}, and the Jersey application {@link
 * dev.identityservice.sample.SampleApi} enforces {@code @RolesAllowed} through {@link
 * dev.identityservice.guard.jaxrs.GuardFeature#behindServletFilter}, reusing the filter's token.
 *
 * <p>URL layout:
 * <ul>
 *   <li>{@code /api/public/hello}: anyone;</li>
 *   <li>{@code /api/me}: role {@code user}; the caller's subject, name, roles and scopes;</li>
 *   <li>{@code /api/admin/stats}: role {@code admin};</li>
 *   <li>{@code /servlet/whoami}: any valid token; a plain servlet asking {@code isUserInRole};</li>
 *   <li>{@code /config.json}: the issuer and client id the page signs in with;</li>
 *   <li>{@code /} and {@code /callback}: the page (authorization code flow with PKCE).</li>
 * </ul>
 * {@link dev.identityservice.sample.SampleApp} runs the same {@code web.xml} in an embedded Jetty.
 */
package dev.identityservice.sample;
