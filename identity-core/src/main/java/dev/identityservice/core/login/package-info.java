/**
 * Login attempt budgets shared by every server instance: the counters the server's login throttle reserves
 * before it spends a password hash (see {@link dev.identityservice.core.login.LoginAttemptStore}).
 */
package dev.identityservice.core.login;
