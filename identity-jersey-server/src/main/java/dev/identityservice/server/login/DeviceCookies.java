package dev.identityservice.server.login;

import dev.identityservice.core.user.User;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.spec.SecretKeySpec;

/**
 * Device cookies (OWASP's "device cookie" defence): after a successful login in a browser, the browser gets a
 * cookie that says "this device has signed in as this account"; with it, later logins of that account from that
 * browser skip the per-account and per-address budgets and use the cookie's own small budget instead. A guesser
 * spending an account's budget therefore cannot lock its owner out of the devices they use.
 *
 * <p>The value is {@code v1.<device id>.<expiry, epoch seconds>.<HMAC-SHA256>}, the MAC over the tenant, the
 * normalized username, the device id and the expiry. The username is not in the value (the cookie does not tell
 * whose it is); a cookie is valid only for the username it was issued to, because the MAC is checked against the
 * username being tried. The key is derived from the master key, so every instance accepts every instance's cookies.
 */
public final class DeviceCookies {

    private static final String NAME_PREFIX = "identity_device_";
    private static final String VERSION = "v1";
    private static final Pattern VALUE = Pattern.compile("v1\\.([A-Za-z0-9_-]{22})\\.([0-9]{1,12})\\.([A-Za-z0-9_-]{43})");
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final Clock clock;
    private final Duration lifetime;

    /**
     * @param key      at least 32 bytes of secret key material (see {@link #deriveKey})
     * @param lifetime how long an issued cookie stays valid
     */
    public DeviceCookies(byte[] key, Clock clock, Duration lifetime) {
        if (key.length < 32) {
            throw new IllegalArgumentException("device cookie key must be at least 32 bytes");
        }
        this.key = HmacSha256.key(key);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
    }

    /** A key for device cookies derived from {@code masterKey} (HMAC-SHA256 of a fixed label), so it never leaves it. */
    public static byte[] deriveKey(byte[] masterKey) {
        return HmacSha256.of(HmacSha256.key(masterKey), "identity device cookie key v1");
    }

    /** The cookie's name for a tenant. */
    public static String name(String tenantId) {
        return NAME_PREFIX + tenantId;
    }

    public Duration lifetime() {
        return lifetime;
    }

    /** A new cookie value for {@code username} of {@code tenantId}, valid for {@link #lifetime()}. */
    public String issue(String tenantId, String username) {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        String deviceId = BASE64URL.encodeToString(id);
        long expires = clock.instant().plus(lifetime).getEpochSecond();
        return VERSION + '.' + deviceId + '.' + expires + '.' + sign(tenantId, username, deviceId, expires);
    }

    /**
     * The device id of {@code value} when it is a well-formed, unexpired cookie issued to {@code username} of
     * {@code tenantId}; empty otherwise (a missing, forged, expired or other account's cookie).
     */
    public Optional<String> verify(String tenantId, String username, String value) {
        if (value == null || username == null) {
            return Optional.empty();
        }
        Matcher parts = VALUE.matcher(value);
        if (!parts.matches()) {
            return Optional.empty();
        }
        String deviceId = parts.group(1);
        long expires = Long.parseLong(parts.group(2));
        boolean signed = MessageDigest.isEqual(sign(tenantId, username, deviceId, expires).getBytes(StandardCharsets.US_ASCII),
                parts.group(3).getBytes(StandardCharsets.US_ASCII));
        boolean fresh = clock.instant().isBefore(Instant.ofEpochSecond(expires));
        return signed && fresh ? Optional.of(deviceId) : Optional.empty();
    }

    private String sign(String tenantId, String username, String deviceId, long expires) {
        // NUL separates the fields: it occurs in none of them, so no two field lists give the same input.
        return BASE64URL.encodeToString(HmacSha256.of(key, VERSION + '\0' + tenantId + '\0' + User.normalize(username) + '\0'
                + deviceId + '\0' + expires));
    }

}
