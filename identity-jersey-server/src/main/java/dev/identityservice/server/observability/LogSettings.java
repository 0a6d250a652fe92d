package dev.identityservice.server.observability;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How the server logs: the level of every logger not named otherwise ({@code log.level}), levels per logger or
 * package ({@code log.levels}, e.g. {@code dev.identityservice.audit=INFO,org.eclipse.jetty=WARN}) and the line
 * format ({@code log.format}: {@code text}, one human-readable line with an ISO-8601 UTC timestamp, or
 * {@code json}, one JSON object per line). {@link LogSetup} applies it to Logback.
 *
 * @param level  the root level: TRACE, DEBUG, INFO, WARN, ERROR or OFF
 * @param levels logger or package name to level; a logger inherits the level of its closest named ancestor
 * @param format the line format
 */
public record LogSettings(String level, Map<String, String> levels, Format format) {

    // Before DEFAULTS, which the constructor checks against it.
    private static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

    /** The level of loggers not named in {@code log.levels}. */
    public static final String DEFAULT_LEVEL = "INFO";
    /** What an operator reads by default: text lines. */
    public static final Format DEFAULT_FORMAT = Format.TEXT;
    /** The settings of a server started without log options. */
    public static final LogSettings DEFAULTS = new LogSettings(DEFAULT_LEVEL, Map.of(), DEFAULT_FORMAT);

    /** The line format. */
    public enum Format {
        TEXT, JSON;

        /** {@code text} or {@code json}, any case. */
        public static Format parse(String value) {
            for (Format format : values()) {
                if (format.name().equalsIgnoreCase(value.strip())) {
                    return format;
                }
            }
            throw new IllegalArgumentException("'" + value + "' is not text or json");
        }

        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @throws IllegalArgumentException naming the setting when a level is not one of the six, or a logger name is blank
     */
    public LogSettings {
        level = checkLevel("log.level", level);
        Objects.requireNonNull(format, "format");
        Map<String, String> checked = new LinkedHashMap<>();
        levels.forEach((name, value) -> {
            if (name == null || name.isBlank() || !name.strip().matches("[A-Za-z0-9_$.]+")) {
                throw new IllegalArgumentException("log.levels: '" + name + "' is not a logger or package name");
            }
            checked.put(name.strip(), checkLevel("log.levels", value));
        });
        levels = java.util.Collections.unmodifiableMap(checked);
    }

    /**
     * Parses {@code log.levels}: comma-separated {@code name=LEVEL} pairs; blank means none.
     *
     * @throws IllegalArgumentException naming {@code log.levels} for a pair without {@code =}
     */
    public static Map<String, String> parseLevels(String value) {
        Map<String, String> levels = new LinkedHashMap<>();
        for (String pair : (value == null ? "" : value).split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int equals = pair.indexOf('=');
            if (equals < 0) {
                throw new IllegalArgumentException("log.levels: '" + pair.strip() + "' is not name=LEVEL");
            }
            levels.put(pair.substring(0, equals).strip(), pair.substring(equals + 1).strip());
        }
        return levels;
    }

    /** {@code log.levels} written back: {@code name=LEVEL,...}. */
    public String describeLevels() {
        StringBuilder text = new StringBuilder();
        levels.forEach((name, value) -> text.append(text.length() == 0 ? "" : ",").append(name).append('=').append(value));
        return text.toString();
    }

    private static String checkLevel(String key, String value) {
        String level = value == null ? "" : value.strip().toUpperCase(Locale.ROOT);
        if (!LEVELS.contains(level)) {
            throw new IllegalArgumentException(key + ": '" + value + "' is not TRACE, DEBUG, INFO, WARN, ERROR or OFF");
        }
        return level;
    }
}
