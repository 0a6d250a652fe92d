package dev.identityservice.core.user;

import dev.identityservice.core.Limits;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The OpenID Connect standard claims of a user (OIDC Core §5.1), one typed field per claim. Every field but
 * the two {@code ...Verified} flags may be {@code null}. {@code preferred_username} is the username and
 * {@code updated_at} the user's update time, so neither is stored here.
 *
 * <p>The constructor checks lengths ({@link Limits}); {@link #requireWellFormed()} checks the formats §5.1
 * fixes, and is what the management API and the import call on input (a stored profile is read as it is).
 *
 * @param profile   the {@code profile} claim: the URL of the user's profile page
 * @param birthdate {@code YYYY-MM-DD}, {@code 0000-MM-DD} (year withheld) or {@code YYYY}
 * @param zoneinfo  an IANA time zone name, e.g. {@code Europe/Paris}
 * @param locale    a BCP 47 language tag, e.g. {@code en-US} ({@code en_US} is accepted, as §5.1 notes)
 * @param phoneNumber E.164 ({@code +33123456789}), optionally with an RFC 3966 extension {@code ;ext=1234}
 */
public record UserProfile(String name, String givenName, String familyName, String middleName, String nickname,
                          String profile, String picture, String website, String email, boolean emailVerified,
                          String gender, String birthdate, String zoneinfo, String locale, String phoneNumber,
                          boolean phoneNumberVerified, Address address) {

    public static final UserProfile EMPTY = builder().build();

    private static final Pattern BIRTHDATE = Pattern.compile("\\d{4}(-\\d{2}-\\d{2})?");
    private static final Pattern LANGUAGE_TAG = Pattern.compile("[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8})*");
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{1,14}(;ext=[0-9]{1,10})?");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");

    public UserProfile {
        Limits.atMost("name", name, Limits.MAX_NAME_CHARS);
        Limits.atMost("givenName", givenName, Limits.MAX_NAME_CHARS);
        Limits.atMost("familyName", familyName, Limits.MAX_NAME_CHARS);
        Limits.atMost("middleName", middleName, Limits.MAX_NAME_CHARS);
        Limits.atMost("nickname", nickname, Limits.MAX_NAME_CHARS);
        Limits.atMost("profile", profile, Limits.MAX_URI_CHARS);
        Limits.atMost("picture", picture, Limits.MAX_URI_CHARS);
        Limits.atMost("website", website, Limits.MAX_URI_CHARS);
        Limits.atMost("email", email, Limits.MAX_EMAIL_CHARS);
        Limits.atMost("gender", gender, Limits.MAX_NAME_CHARS);
        Limits.atMost("birthdate", birthdate, 10);
        Limits.atMost("zoneinfo", zoneinfo, Limits.MAX_ZONEINFO_CHARS);
        Limits.atMost("locale", locale, Limits.MAX_LOCALE_CHARS);
        Limits.atMost("phoneNumber", phoneNumber, Limits.MAX_PHONE_CHARS);
        address = address == null || address.isEmpty() ? null : address;
    }

    /** The profile of the first releases: name, given and family name, e-mail, picture and locale. */
    public UserProfile(String name, String givenName, String familyName, String email, boolean emailVerified,
                       String picture, String locale) {
        this(name, givenName, familyName, null, null, null, picture, null, email, emailVerified, null, null, null,
                locale, null, false, null);
    }

    /**
     * This profile if every field has the format OIDC Core §5.1 gives it: URLs ({@code profile},
     * {@code picture}, {@code website}) absolute {@code http}/{@code https}; {@code email} an address;
     * {@code birthdate}, {@code zoneinfo}, {@code locale} and {@code phoneNumber} as documented above.
     *
     * @throws IllegalArgumentException naming the first field that is not
     */
    public UserProfile requireWellFormed() {
        requireWebUrl("profile", profile);
        requireWebUrl("picture", picture);
        requireWebUrl("website", website);
        if (email != null && !EMAIL.matcher(email).matches()) {
            throw new IllegalArgumentException("email must be an e-mail address");
        }
        if (birthdate != null && !validBirthdate(birthdate)) {
            throw new IllegalArgumentException("birthdate must be YYYY-MM-DD, 0000-MM-DD or YYYY");
        }
        if (zoneinfo != null && !validZone(zoneinfo)) {
            throw new IllegalArgumentException("zoneinfo must be an IANA time zone name such as Europe/Paris");
        }
        if (locale != null && !LANGUAGE_TAG.matcher(locale).matches()) {
            throw new IllegalArgumentException("locale must be a BCP 47 language tag such as en-US");
        }
        if (phoneNumber != null && !E164.matcher(phoneNumber).matches()) {
            throw new IllegalArgumentException("phoneNumber must be in E.164 format, e.g. +15551234567 (;ext=123 allowed)");
        }
        return this;
    }

    private static boolean validBirthdate(String value) {
        if (!BIRTHDATE.matcher(value).matches()) {
            return false;
        }
        if (value.length() == 4) {
            return true;
        }
        // 0000 stands for a withheld year: check the day against a leap year, so 0000-02-29 passes.
        String dated = value.startsWith("0000-") ? "2000" + value.substring(4) : value;
        try {
            LocalDate.parse(dated);
            return true;
        } catch (DateTimeException e) {
            return false;
        }
    }

    private static boolean validZone(String value) {
        // The time zone database's names only: "+02:00" is an offset, not the zoneinfo name §5.1 asks for.
        return ZoneId.getAvailableZoneIds().contains(value);
    }

    private static void requireWebUrl(String field, String value) {
        if (value == null) {
            return;
        }
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (("http".equals(scheme) || "https".equals(scheme)) && uri.getHost() != null) {
                return;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new IllegalArgumentException(field + " must be an absolute http or https URL");
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().name(name).givenName(givenName).familyName(familyName).middleName(middleName)
                .nickname(nickname).profile(profile).picture(picture).website(website).email(email)
                .emailVerified(emailVerified).gender(gender).birthdate(birthdate).zoneinfo(zoneinfo).locale(locale)
                .phoneNumber(phoneNumber).phoneNumberVerified(phoneNumberVerified).address(address);
    }

    /** Builds a {@link UserProfile}; every field defaults to absent (and the flags to {@code false}). */
    public static final class Builder {
        private String name;
        private String givenName;
        private String familyName;
        private String middleName;
        private String nickname;
        private String profile;
        private String picture;
        private String website;
        private String email;
        private boolean emailVerified;
        private String gender;
        private String birthdate;
        private String zoneinfo;
        private String locale;
        private String phoneNumber;
        private boolean phoneNumberVerified;
        private Address address;

        private Builder() {
        }

        public Builder name(String value) { this.name = value; return this; }
        public Builder givenName(String value) { this.givenName = value; return this; }
        public Builder familyName(String value) { this.familyName = value; return this; }
        public Builder middleName(String value) { this.middleName = value; return this; }
        public Builder nickname(String value) { this.nickname = value; return this; }
        public Builder profile(String value) { this.profile = value; return this; }
        public Builder picture(String value) { this.picture = value; return this; }
        public Builder website(String value) { this.website = value; return this; }
        public Builder email(String value) { this.email = value; return this; }
        public Builder emailVerified(boolean value) { this.emailVerified = value; return this; }
        public Builder gender(String value) { this.gender = value; return this; }
        public Builder birthdate(String value) { this.birthdate = value; return this; }
        public Builder zoneinfo(String value) { this.zoneinfo = value; return this; }
        public Builder locale(String value) { this.locale = value; return this; }
        public Builder phoneNumber(String value) { this.phoneNumber = value; return this; }
        public Builder phoneNumberVerified(boolean value) { this.phoneNumberVerified = value; return this; }
        public Builder address(Address value) { this.address = value; return this; }

        public UserProfile build() {
            return new UserProfile(name, givenName, familyName, middleName, nickname, profile, picture, website, email,
                    emailVerified, gender, birthdate, zoneinfo, locale, phoneNumber, phoneNumberVerified, address);
        }
    }
}
