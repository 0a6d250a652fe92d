/**
 * Errors as the client sees them: {@link dev.identityservice.server.error.ErrorResponses} is the one
 * writer of RFC 6749 §5.2 error JSON; the exception mappers turn engine errors, HTTP challenges, Jersey's
 * own 404/405/415 and anything unexpected into it, and {@link dev.identityservice.server.error.JsonErrorHandler}
 * does the same for errors Jetty answers before Jersey sees the request. No stack trace ever leaves the server.
 */
package dev.identityservice.server.error;
