/**
 * The server's few HTML pages (login, signed out, authorization errors): a tiny template that escapes every
 * value ({@link dev.identityservice.server.page.Template}), the page texts
 * ({@link dev.identityservice.server.page.Pages}) and the security headers
 * ({@link dev.identityservice.server.page.Html}). No template engine: three pages do not need one.
 */
package dev.identityservice.server.page;
