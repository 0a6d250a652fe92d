package dev.identityservice.core.token;

import dev.identityservice.core.user.User;
import dev.identityservice.core.user.UserProfile;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The standard claims about a user (OIDC Core §5.1) and the scopes that request them (§5.4): {@code profile}
 * requests name, family_name, given_name, middle_name, nickname, preferred_username, profile, picture, website,
 * gender, birthdate, zoneinfo, locale and updated_at; {@code email} requests email and email_verified;
 * {@code address} requests address; {@code phone} requests phone_number and phone_number_verified. Used by
 * {@code /userinfo}, their home whenever an access token is issued, and by ID tokens for claims the §5.5
 * {@code claims} parameter asks there.
 */
public final class ProfileClaims {

    public static final List<String> PROFILE = List.of("name", "family_name", "given_name", "middle_name", "nickname",
            "preferred_username", "profile", "picture", "website", "gender", "birthdate", "zoneinfo", "locale", "updated_at");
    public static final List<String> EMAIL = List.of("email", "email_verified");
    public static final List<String> ADDRESS = List.of("address");
    public static final List<String> PHONE = List.of("phone_number", "phone_number_verified");
    /** Every standard claim this server can release about a user, besides {@code sub}. */
    public static final Set<String> ALL = union(PROFILE, EMAIL, ADDRESS, PHONE);
    /** The scopes with a meaning of their own for claims (§5.4). */
    public static final Map<String, List<String>> BY_SCOPE = Map.of("profile", PROFILE, "email", EMAIL,
            "address", ADDRESS, "phone", PHONE);

    private ProfileClaims() {
    }

    /** The claim names the granted {@code scopes} request (§5.4), in a stable order. */
    public static Set<String> requestedBy(Collection<String> scopes) {
        Set<String> names = new LinkedHashSet<>();
        for (String scope : List.of("profile", "email", "address", "phone")) {
            if (scopes.contains(scope)) {
                names.addAll(BY_SCOPE.get(scope));
            }
        }
        return names;
    }

    /**
     * The values of those of {@code names} the user has, without {@code sub}; unknown names and absent values
     * are left out (§5.3.2: a claim without a value is omitted, never {@code null}). A verified flag is released
     * only together with its address or number.
     */
    public static Map<String, Object> of(User user, Collection<String> names) {
        UserProfile p = user.profile();
        Map<String, Object> claims = new LinkedHashMap<>();
        for (String name : names) {
            Object value = switch (name) {
                case "name" -> p.name();
                case "family_name" -> p.familyName();
                case "given_name" -> p.givenName();
                case "middle_name" -> p.middleName();
                case "nickname" -> p.nickname();
                case "preferred_username" -> user.username();
                case "profile" -> p.profile();
                case "picture" -> p.picture();
                case "website" -> p.website();
                case "gender" -> p.gender();
                case "birthdate" -> p.birthdate();
                case "zoneinfo" -> p.zoneinfo();
                case "locale" -> p.locale();
                case "updated_at" -> user.updatedAt().getEpochSecond();
                case "email" -> p.email();
                case "email_verified" -> p.email() == null ? null : p.emailVerified();
                case "address" -> p.address() == null ? null : p.address().claim();
                case "phone_number" -> p.phoneNumber();
                case "phone_number_verified" -> p.phoneNumber() == null ? null : p.phoneNumberVerified();
                default -> null;
            };
            if (value != null) {
                claims.put(name, value);
            }
        }
        return claims;
    }

    @SafeVarargs
    private static Set<String> union(List<String>... lists) {
        Set<String> all = new LinkedHashSet<>();
        for (List<String> list : lists) {
            all.addAll(list);
        }
        return Set.copyOf(all);
    }
}
