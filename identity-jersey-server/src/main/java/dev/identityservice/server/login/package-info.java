/**
 * Protection of the password logins (the password grant and the login page) against online guessing:
 * budgets reserved before the password hash ({@link dev.identityservice.server.login.LoginThrottle}), the
 * limits ({@link dev.identityservice.server.login.LoginLimits}), device cookies that exempt the owner's
 * browsers ({@link dev.identityservice.server.login.DeviceCookies}), and the audit line and metrics of every
 * decision ({@link dev.identityservice.server.login.LoginAudit}). The reasoning is in the README's security section.
 */
package dev.identityservice.server.login;
