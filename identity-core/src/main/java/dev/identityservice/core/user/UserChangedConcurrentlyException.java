package dev.identityservice.core.user;

/**
 * {@link UserStore#update} refused a copy of a user that is no longer the stored one: the row was written
 * (disabled, demoted, password changed, ...) after the copy was read. Read the user again, apply the change
 * to the fresh copy and retry, or tell the caller (HTTP 409 in the management API).
 */
public final class UserChangedConcurrentlyException extends RuntimeException {

    public UserChangedConcurrentlyException(String userId) {
        super("user '" + userId + "' was changed since it was read");
    }
}
