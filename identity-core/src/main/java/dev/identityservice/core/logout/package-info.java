/**
 * OpenID Connect Back-Channel Logout 1.0: the queue of logout tokens to deliver when a login session ends,
 * and the sender that POSTs them to each participating client's {@code backchannel_logout_uri} with retries.
 */
package dev.identityservice.core.logout;
