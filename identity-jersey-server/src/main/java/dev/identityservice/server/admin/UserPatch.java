package dev.identityservice.server.admin;

import dev.identityservice.server.setup.SetupFile.ProfileEntry;
import java.util.List;
import java.util.Map;

/**
 * A partial update of a user (RFC 7396 style, shallow): each field given replaces the stored one, each field
 * absent keeps it. {@code profile} and {@code attributes} are replaced whole. Username and password are not
 * here: the password has its own endpoint, and a username is the user's stable login name.
 */
record UserPatch(List<String> roles, ProfileEntry profile, Map<String, String> attributes, Boolean enabled) {
}
