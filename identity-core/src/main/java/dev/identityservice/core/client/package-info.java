/** OAuth 2.0 clients: their registration, authentication and redirect-URI matching. */
package dev.identityservice.core.client;
