/** Signing keys, their states and rotation, the immutable key ring, and encryption of private keys at rest. */
package dev.identityservice.core.key;
