/** Login sessions of the browser flow, and logout that ends them with their refresh tokens. */
package dev.identityservice.core.session;
