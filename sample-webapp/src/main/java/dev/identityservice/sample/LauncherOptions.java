package dev.identityservice.sample;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The launcher's command line. Issuer, audience and client id are optional: when absent, the
 * {@code web.xml} placeholders decide ({@code SAMPLE_ISSUER} etc. from the environment, else the
 * defaults written there), so that the defaults live in one place.
 *
 * @param host     the address to listen on
 * @param port     the port; 0 picks a free one
 * @param issuer   overrides {@code SAMPLE_ISSUER}; null to keep it
 * @param audience overrides {@code SAMPLE_AUDIENCE}; null to keep it
 * @param clientId overrides {@code SAMPLE_CLIENT_ID}; null to keep it
 * @param help     whether only the usage was asked for
 */
public record LauncherOptions(String host, int port, String issuer, String audience, String clientId, boolean help) {

    /** Default address: loopback only, as a sample should. */
    public static final String HOST_DEFAULT = "127.0.0.1";
    /** Default port: 8081, beside the identity server's 8080. */
    public static final int PORT_DEFAULT = 8081;

    /** What {@code --help} prints. */
    public static final String USAGE = String.join(System.lineSeparator(),
            "Usage: java -jar sample-app.jar [options]",
            "  --host HOST          address to listen on (default " + HOST_DEFAULT + ")",
            "  --port PORT          port, 0 for any free one (default " + PORT_DEFAULT + ")",
            "  --issuer URL         identity server (default: $SAMPLE_ISSUER, else web.xml's http://127.0.0.1:8080)",
            "  --audience AUD       aud the API requires (default: $SAMPLE_AUDIENCE, else web.xml's demo-api)",
            "  --client-id ID       public client of the page (default: $SAMPLE_CLIENT_ID, else web.xml's demo-spa)",
            "  --help               print this and exit");

    public LauncherOptions {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("--host: must not be blank");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("--port: must be between 0 and 65535, not " + port);
        }
        if (issuer != null) {
            URI uri = parseUri(issuer);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("--issuer: must be an http(s) URL, not " + issuer);
            }
        }
        requireNonBlank("--audience", audience);
        requireNonBlank("--client-id", clientId);
    }

    /** Reads {@code --name value} and {@code --name=value} pairs. */
    public static LauncherOptions parse(String... args) {
        Map<String, String> values = new LinkedHashMap<>();
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if ("--help".equals(arg) || "-h".equals(arg)) {
                help = true;
                continue;
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            if (!name.matches("--(host|port|issuer|audience|client-id)")) {
                throw new IllegalArgumentException(arg + ": unknown option");
            }
            if (eq < 0 && i + 1 >= args.length) {
                throw new IllegalArgumentException(name + ": needs a value");
            }
            values.put(name, eq < 0 ? args[++i] : arg.substring(eq + 1));
        }
        return new LauncherOptions(values.getOrDefault("--host", HOST_DEFAULT), port(values.get("--port")),
                values.get("--issuer"), values.get("--audience"), values.get("--client-id"), help);
    }

    /** The web.xml placeholders these options set, by name; absent options are left out. */
    Map<String, String> placeholderValues() {
        Map<String, String> values = new LinkedHashMap<>();
        putIfPresent(values, "SAMPLE_ISSUER", issuer);
        putIfPresent(values, "SAMPLE_AUDIENCE", audience);
        putIfPresent(values, "SAMPLE_CLIENT_ID", clientId);
        return values;
    }

    private static int port(String value) {
        if (value == null) {
            return PORT_DEFAULT;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port: not a number: " + value, e);
        }
    }

    private static URI parseUri(String value) {
        try {
            return URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--issuer: not a URL: " + value, e);
        }
    }

    private static void requireNonBlank(String option, String value) {
        if (value != null && value.isBlank()) {
            throw new IllegalArgumentException(option + ": must not be blank");
        }
    }

    private static void putIfPresent(Map<String, String> values, String name, String value) {
        if (value != null) {
            values.put(name, value);
        }
    }
}
