package dev.identityservice.guard;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code web.xml} init-param names of the guard and how each value is read; the one place
 * where text becomes a {@link GuardConfig}. Lists are separated by commas or whitespace; durations
 * are {@code 250ms}, {@code 30s}, {@code 5m}, {@code 24h}, {@code 7d} or ISO-8601 ({@code PT30S}).
 * Every value may hold {@code ${NAME}} or {@code ${NAME:default}} placeholders, resolved from system
 * properties, then environment variables, before it is parsed ({@link Placeholders}); one that
 * cannot be resolved fails, naming the init-param and the placeholder.
 */
final class InitParams {

    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d)");
    private static final Pattern LIST_SEPARATOR = Pattern.compile("[,\\s]+");
    private static final Pattern RULE_SEPARATOR = Pattern.compile("[;\\n]+");
    private static final String ENV_PREFIX = "env:";

    /** Every init-param name and how it sets the builder. */
    private static final Map<String, BiConsumer<GuardConfig.Builder, String>> OPTIONS = Map.ofEntries(
            Map.entry("issuer", GuardConfig.Builder::issuer),
            Map.entry("jwks-uri", GuardConfig.Builder::jwksUri),
            Map.entry("audience", (b, v) -> b.audience(list(v))),
            Map.entry("algorithms", (b, v) -> b.algorithms(list(v))),
            Map.entry("clock-skew", (b, v) -> b.clockSkew(duration("clock-skew", v))),
            Map.entry("accept-plain-jwt", (b, v) -> b.acceptPlainJwt(bool("accept-plain-jwt", v))),
            Map.entry("roles-claims", (b, v) -> b.rolesClaims(list(v))),
            Map.entry("role-prefix", GuardConfig.Builder::rolePrefix),
            Map.entry("principal-claim", GuardConfig.Builder::principalClaim),
            Map.entry("accept-string-roles", (b, v) -> b.acceptStringRoles(bool("accept-string-roles", v))),
            Map.entry("pass-cors-preflight", (b, v) -> b.passCorsPreflight(bool("pass-cors-preflight", v))),
            Map.entry("realm", GuardConfig.Builder::realm),
            Map.entry("public-paths", (b, v) -> b.publicPaths(list(v))),
            Map.entry("required-roles", InitParams::requiredRoles),
            Map.entry("max-token-length", (b, v) -> b.maxTokenLength((int) number("max-token-length", v))),
            Map.entry("jwks-default-lifetime", (b, v) -> b.jwksDefaultLifetime(duration("jwks-default-lifetime", v))),
            Map.entry("jwks-min-lifetime", (b, v) -> b.jwksMinLifetime(duration("jwks-min-lifetime", v))),
            Map.entry("jwks-max-lifetime", (b, v) -> b.jwksMaxLifetime(duration("jwks-max-lifetime", v))),
            Map.entry("jwks-refresh-ahead", (b, v) -> b.jwksRefreshAhead(duration("jwks-refresh-ahead", v))),
            Map.entry("jwks-refetch-interval", (b, v) -> b.jwksRefetchInterval(duration("jwks-refetch-interval", v))),
            Map.entry("jwks-max-stale", (b, v) -> b.jwksMaxStale(duration("jwks-max-stale", v))),
            Map.entry("jwks-retry-interval", (b, v) -> b.jwksRetryInterval(duration("jwks-retry-interval", v))),
            Map.entry("jwks-max-wait", (b, v) -> b.jwksMaxWait(duration("jwks-max-wait", v))),
            Map.entry("http-connect-timeout", (b, v) -> b.httpConnectTimeout(duration("http-connect-timeout", v))),
            Map.entry("http-read-timeout", (b, v) -> b.httpReadTimeout(duration("http-read-timeout", v))),
            Map.entry("http-max-response-bytes",
                    (b, v) -> b.httpMaxResponseBytes((int) number("http-max-response-bytes", v))),
            Map.entry("token-cache-max-entries",
                    (b, v) -> b.tokenCacheMaxEntries((int) number("token-cache-max-entries", v))),
            Map.entry("token-cache-max-bytes", (b, v) -> b.tokenCacheMaxBytes(number("token-cache-max-bytes", v))),
            Map.entry("introspection-endpoint", GuardConfig.Builder::introspectionEndpoint),
            Map.entry("introspection-max-ttl", (b, v) -> b.introspectionMaxTtl(duration("introspection-max-ttl", v))),
            Map.entry("introspection-negative-ttl",
                    (b, v) -> b.introspectionNegativeTtl(duration("introspection-negative-ttl", v))),
            Map.entry("events.configuration-uri", GuardConfig.Builder::eventsConfigurationUri),
            Map.entry("events.max-staleness", (b, v) -> b.eventsMaxStaleness(duration("events.max-staleness", v))),
            Map.entry("events.when-stale", (b, v) -> b.eventsWhenStale(GuardConfig.EventsSettings.WhenStale.parse(v))),
            Map.entry("events.max-entries", (b, v) -> b.eventsMaxEntries((int) number("events.max-entries", v))));
    private static final String CLIENT_ID = "introspection-client-id";
    private static final String CLIENT_SECRET = "introspection-client-secret";
    private static final String EVENTS_CLIENT_ID = "events.client-id";
    private static final String EVENTS_CLIENT_SECRET = "events.client-secret";

    private InitParams() {
    }

    static GuardConfig read(Collection<String> names, Function<String, String> values) {
        return read(names, values, Placeholders.SYSTEM);
    }

    /** @param lookup resolves placeholder names; tests pass their own */
    static GuardConfig read(Collection<String> names, Function<String, String> rawValues,
            Function<String, String> lookup) {
        Function<String, String> values = name -> resolved(name, rawValues.apply(name), lookup);
        GuardConfig.Builder builder = GuardConfig.builder();
        for (String name : names) {
            if (!OPTIONS.containsKey(name) && !names().contains(name)) {
                throw new IllegalArgumentException(name + ": unknown init-param; known are " + String.join(", ", names()));
            }
        }
        for (String name : names) {
            String value = values.apply(name);
            if (value == null || OPTIONS.get(name) == null) {
                continue;
            }
            OPTIONS.get(name).accept(builder, value.trim());
        }
        String clientId = trimmed(values, names, CLIENT_ID);
        String secret = trimmed(values, names, CLIENT_SECRET);
        if (clientId != null || secret != null) {
            builder.introspectionClient(clientId, secret == null ? null : secret(CLIENT_SECRET, secret));
        }
        String eventsClientId = trimmed(values, names, EVENTS_CLIENT_ID);
        String eventsSecret = trimmed(values, names, EVENTS_CLIENT_SECRET);
        if (eventsClientId != null || eventsSecret != null) {
            builder.eventsClient(eventsClientId, eventsSecret == null ? null : secret(EVENTS_CLIENT_SECRET, eventsSecret));
        }
        return builder.build();
    }

    private static String resolved(String name, String value, Function<String, String> lookup) {
        try {
            return Placeholders.resolve(value, lookup);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }

    /** Parses {@code 250ms}, {@code 30s}, {@code 5m}, {@code 24h}, {@code 7d} or ISO-8601. */
    static Duration duration(String option, String value) {
        String text = value.trim();
        Matcher shortForm = SHORT_DURATION.matcher(text);
        if (shortForm.matches()) {
            long amount = Long.parseLong(shortForm.group(1));
            switch (shortForm.group(2)) {
                case "ms": return Duration.ofMillis(amount);
                case "s": return Duration.ofSeconds(amount);
                case "m": return Duration.ofMinutes(amount);
                case "h": return Duration.ofHours(amount);
                default: return Duration.ofDays(amount);
            }
        }
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + ": not a duration (like 250ms, 30s, 5m, 24h, 7d or PT30S): "
                    + value, e);
        }
    }

    private static void requiredRoles(GuardConfig.Builder builder, String value) {
        for (String rule : RULE_SEPARATOR.split(value)) {
            if (rule.isBlank()) {
                continue;
            }
            int eq = rule.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("required-roles: expected /path=role1,role2 but got " + rule.trim());
            }
            builder.requireRoles(rule.substring(0, eq).trim(), list(rule.substring(eq + 1)));
        }
    }

    private static String[] list(String value) {
        return Arrays.stream(LIST_SEPARATOR.split(value.trim())).filter(s -> !s.isEmpty()).toArray(String[]::new);
    }

    private static boolean bool(String option, String value) {
        if ("true".equalsIgnoreCase(value)) {
            return true;
        }
        if ("false".equalsIgnoreCase(value)) {
            return false;
        }
        throw new IllegalArgumentException(option + ": expected true or false but got " + value);
    }

    private static long number(String option, String value) {
        try {
            return Long.parseLong(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": not a whole number: " + value, e);
        }
    }

    private static String trimmed(Function<String, String> values, Collection<String> names, String name) {
        String value = names.contains(name) ? values.apply(name) : null;
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** A secret given as {@code env:NAME} is read from the environment, keeping it out of web.xml. */
    private static String secret(String option, String value) {
        if (!value.startsWith(ENV_PREFIX)) {
            return value;
        }
        String variable = value.substring(ENV_PREFIX.length());
        String secret = System.getenv(variable);
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException(option + ": environment variable " + variable + " is not set");
        }
        return secret;
    }

    /** The names this class knows, for documentation and tests. */
    static List<String> names() {
        List<String> names = new java.util.ArrayList<>(OPTIONS.keySet());
        names.add(CLIENT_ID);
        names.add(CLIENT_SECRET);
        names.add(EVENTS_CLIENT_ID);
        names.add(EVENTS_CLIENT_SECRET);
        return names;
    }
}
