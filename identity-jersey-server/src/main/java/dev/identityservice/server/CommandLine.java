package dev.identityservice.server;

import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * The parsed command line: {@code --help}, {@code --config FILE}, and a value for any {@link ConfigKey}
 * flag, as {@code --port 8080} or {@code --port=8080}.
 */
public record CommandLine(boolean help, Path configFile, Map<ConfigKey, String> values) {

    public CommandLine {
        values = Collections.unmodifiableMap(new EnumMap<>(values.isEmpty() ? new EnumMap<>(ConfigKey.class) : values));
    }

    /** Parses {@code args}; {@link IllegalArgumentException} naming an unknown flag or a flag without its value. */
    public static CommandLine parse(String... args) {
        boolean help = false;
        Path configFile = null;
        Map<ConfigKey, String> values = new EnumMap<>(ConfigKey.class);
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if ("--help".equals(arg) || "-h".equals(arg)) {
                help = true;
                continue;
            }
            int equals = arg.indexOf('=');
            String flag = equals > 0 ? arg.substring(0, equals) : arg;
            String value;
            if (equals > 0) {
                value = arg.substring(equals + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("option " + flag + " needs a value");
            }
            if ("--config".equals(flag)) {
                configFile = Path.of(value);
            } else {
                ConfigKey key = ConfigKey.byFlag(flag).orElseThrow(
                        () -> new IllegalArgumentException("unknown option '" + flag + "'; --help lists the options"));
                values.put(key, value);
            }
        }
        return new CommandLine(help, configFile, values);
    }
}
