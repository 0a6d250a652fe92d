package dev.identityservice.core.user;

/**
 * What a password check needs of a user and nothing more: read by one query that costs the same whether or
 * not the name exists, so that a failed login's timing does not tell (the full user is read after success).
 *
 * @param userId       the user's id
 * @param passwordHash the PHC string, or {@code null} for a user without a password
 * @param enabled      whether the user may sign in
 */
public record StoredCredentials(String userId, String passwordHash, boolean enabled) {
}
