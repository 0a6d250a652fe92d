package dev.identityservice.server.admin;

import dev.identityservice.core.user.User;
import dev.identityservice.server.setup.SetupFile.ProfileEntry;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A user as the management API shows it: everything but the password hash. Times are ISO-8601. */
record UserView(String id, String username, boolean enabled, List<String> roles, ProfileEntry profile,
                Map<String, String> attributes, String tokensValidAfter, String createdAt, String updatedAt) {

    static UserView of(User user) {
        return new UserView(user.id(), user.username(), user.enabled(), user.roles().stream().sorted().toList(),
                ProfileEntry.of(user.profile()), new TreeMap<>(user.attributes()),
                user.tokensValidAfter() == null ? null : user.tokensValidAfter().toString(),
                user.createdAt().toString(), user.updatedAt().toString());
    }
}
