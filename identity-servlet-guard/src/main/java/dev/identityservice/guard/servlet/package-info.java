/**
 * The servlet edge: {@link dev.identityservice.guard.servlet.BearerTokenFilter}, configured from
 * {@code web.xml} init-params, and {@link dev.identityservice.guard.servlet.AuthenticatedRequest},
 * through which servlet code sees the verified token as the request's user and roles.
 */
package dev.identityservice.guard.servlet;
