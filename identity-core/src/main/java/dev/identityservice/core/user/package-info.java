/** Users, their profiles and roles, and password hashing (Argon2id, PHC strings). */
package dev.identityservice.core.user;
