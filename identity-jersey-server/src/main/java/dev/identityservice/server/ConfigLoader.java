package dev.identityservice.server;

import java.io.IOException;
import java.io.Reader;
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

    /** Appended to a secret's environment variable: the variable then names a file holding the value. */
    public static final String FILE_SUFFIX = "_FILE";

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
            String file = key.secret() ? environment.apply(key.envName() + FILE_SUFFIX) : null;
            if (value != null && file != null) {
                throw new IllegalArgumentException("set " + key.envName() + " or " + key.envName() + FILE_SUFFIX + ", not both");
            }
            if (file != null) {
                value = readSecretFile(key, Path.of(file));
            }
            if (value != null) {
                key.apply(builder, value);
            }
        }
        commandLine.values().forEach((key, value) -> key.apply(builder, value));
        return builder.build();
    }

    /**
     * The content of a secret's {@code _FILE}, without its line end: the Docker and systemd credentials
     * convention, which keeps the secret out of the environment and the process list.
     */
    private static String readSecretFile(ConfigKey key, Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            return text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
                    : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        } catch (IOException e) {
            throw new IllegalArgumentException(key.envName() + FILE_SUFFIX + ": cannot read " + file.toAbsolutePath()
                    + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static Map<String, String> readFile(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read configuration file " + file.toAbsolutePath() + " ("
                    + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getClass().getSimpleName()) + ")");
        }
        Map<String, String> values = new TreeMap<>();
        properties.forEach((k, v) -> values.put(String.valueOf(k), String.valueOf(v)));
        return values;
    }

    /** The help text: every flag with its environment variable, property key and meaning. */
    public static String help() {
        StringBuilder text = new StringBuilder()
                .append("Usage: java -jar identity-server.jar [options]\n")
                .append("       java -jar identity-server.jar reset-admin-password [--username admin] [--tenant default]\n")
                .append("            [--password-file FILE | --generate] [options]   (on a stopped server; else the password is read from stdin)\n\n")
                .append("Options (flag / environment variable / key in the --config file):\n")
                .append(String.format("  %-34s %s%n", "--help", "print this help and exit"))
                .append(String.format("  %-34s %s%n", "--config FILE", "properties file with the keys below"));
        for (ConfigKey key : ConfigKey.values()) {
            text.append(String.format("  %-34s %s%n", key.flag() + " VALUE", key.description()))
                    .append(String.format("  %-34s env %s, key %s%n", "", key.envName(), key.key()));
        }
        text.append("\nA secret's environment variable with _FILE appended (IDENTITY_MASTER_KEY_FILE, ...) names a file holding it.")
                .append("\nFlags override environment variables, which override the file. Durations: 30s, 10m, 2h, 30d or PT10M.\n");
        return text.toString();
    }
}
