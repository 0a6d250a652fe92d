package dev.identityservice.server;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Reads the {@link ServerConfig}: the {@code --config} properties file, then {@code IDENTITY_*}
 * environment variables, then flags, each overriding the one before. An unknown key in the file or an
 * unknown flag fails with its name; unrelated environment variables are ignored (the environment is shared).
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    /**
     * The configuration for {@code commandLine} in {@code environment}.
     *
     * @throws IllegalArgumentException naming the offending key or flag
     */
    public static ServerConfig load(CommandLine commandLine, Function<String, String> environment) {
        ServerConfig.Builder builder = ServerConfig.builder();
        if (commandLine.configFile() != null) {
            readFile(commandLine.configFile()).forEach((key, value) -> ConfigKey.byKey(key)
                    .orElseThrow(() -> new IllegalArgumentException("unknown configuration key '" + key + "' in "
                            + commandLine.configFile() + "; --help lists the keys"))
                    .apply(builder, value));
        }
        for (ConfigKey key : ConfigKey.values()) {
            String value = environment.apply(key.envName());
            if (value != null) {
                key.apply(builder, value);
            }
        }
        commandLine.values().forEach((key, value) -> key.apply(builder, value));
        return builder.build();
    }

    private static Map<String, String> readFile(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read configuration file " + file, e);
        }
        Map<String, String> values = new TreeMap<>();
        properties.forEach((k, v) -> values.put(String.valueOf(k), String.valueOf(v)));
        return values;
    }

    /** The help text: every flag with its environment variable, property key and meaning. */
    public static String help() {
        StringBuilder text = new StringBuilder()
                .append("Usage: java -jar identity-server.jar [options]\n\n")
                .append("Options (flag / environment variable / key in the --config file):\n")
                .append(String.format("  %-34s %s%n", "--help", "print this help and exit"))
                .append(String.format("  %-34s %s%n", "--config FILE", "properties file with the keys below"));
        for (ConfigKey key : ConfigKey.values()) {
            text.append(String.format("  %-34s %s%n", key.flag() + " VALUE", key.description()))
                    .append(String.format("  %-34s env %s, key %s%n", "", key.envName(), key.key()));
        }
        text.append("\nFlags override environment variables, which override the file. Durations: 30s, 10m, 2h, 30d or PT10M.\n");
        return text.toString();
    }
}
