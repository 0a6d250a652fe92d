package dev.identityservice.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.client.ClientSecrets;
import dev.identityservice.core.client.GrantType;
import dev.identityservice.core.key.MasterKey;
import dev.identityservice.core.key.SigningAlgorithm;
import dev.identityservice.core.store.jdbc.DatabaseConfig;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.user.PasswordHasher;
import dev.identityservice.core.user.User;
import dev.identityservice.core.user.UserProfile;
import dev.identityservice.server.IdentityServer;
import dev.identityservice.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The real server on port 0 with a private in-memory H2, a generated master key, ES256 keys (fast to
 * generate) and cheap Argon2 parameters, plus an HTTP client and fixtures.
 */
public final class TestServer implements AutoCloseable {

    public static final String PASSWORD = "correct horse battery staple";
    public static final String SECRET = "s3cret-that-is-long-enough-for-the-32-char-rule";
    public static final String FORM = "application/x-www-form-urlencoded";
    private static final ObjectMapper JSON = new ObjectMapper();

    public final IdentityServer server;
    public final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** What the start printed to standard output (the bootstrap's notice). */
    public final String bootstrapOutput;
    /** The data directory, a fresh temporary one. */
    public final Path dataDir;

    private TestServer(IdentityServer server, String bootstrapOutput, Path dataDir) {
        this.server = server;
        this.bootstrapOutput = bootstrapOutput;
        this.dataDir = dataDir;
    }

    /** The generated bootstrap credentials: the owner-only file the bootstrap wrote, else what it printed. */
    public String bootstrapCredentials() {
        Path file = dataDir.resolve(ServerConfig.BOOTSTRAP_CREDENTIALS_FILE_NAME);
        try {
            return Files.exists(file) ? Files.readString(file) : bootstrapOutput;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the audit events recorded so far are stored (they are written off the request thread). */
    public void flushAudit() {
        server.auditWriter().flush(Duration.ofSeconds(10));
    }

    public static TestServer start() {
        return start(builder -> { });
    }

    /** Starts with the test defaults, then {@code customize}. */
    public static TestServer start(Consumer<ServerConfig.Builder> customize) {
        return start(customize, Clock.systemUTC(), UnaryOperator.identity());
    }

    /** Starts with the test defaults, then {@code customize}, on {@code clock} and with the hasher decorated. */
    public static TestServer start(Consumer<ServerConfig.Builder> customize, Clock clock, UnaryOperator<PasswordHasher> hasher) {
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("identity-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ServerConfig.Builder builder = ServerConfig.builder()
                .port(0)
                .dataDir(dataDir.toString())
                .dbUrl(DatabaseConfig.h2InMemory("server-" + UUID.randomUUID()).jdbcUrl())
                .dbUser("sa")
                .masterKey(MasterKey.generate().toBase64())
                .signingAlgorithm(SigningAlgorithm.ES256)
                .bootstrap(false)
                .shutdownTimeout(Duration.ofSeconds(1))
                .passwordHashMemoryKib(64)
                .passwordHashIterations(1);
        customize.accept(builder);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        IdentityServer server = IdentityServer.start(builder.build(), new PrintStream(out, true, StandardCharsets.UTF_8), clock, hasher);
        return new TestServer(server, out.toString(StandardCharsets.UTF_8), dataDir);
    }

    /**
     * What {@code /metrics} serves, read in-process: the endpoint itself requires an admin token (see
     * {@code MetricsAndHealthTest}), and minting one would count a login in the very counters a test reads.
     */
    public String metrics() {
        return server.metrics().scrape();
    }

    /** The value of the one {@link #metrics()} line whose series matches {@code seriesRegex}, or 0 when none does. */
    public double metric(String seriesRegex) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + seriesRegex + " ([0-9.E]+)$").matcher(metrics());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    public Tenant defaultTenant() {
        return server.engine().tenant(Tenant.DEFAULT_ID).orElseThrow();
    }

    public Tenant tenant(String id) {
        return server.engine().ensureTenant(id, URI.create(server.issuer() + "/t/" + id), SigningAlgorithm.ES256);
    }

    public User user(String username, String... roles) {
        return userIn(Tenant.DEFAULT_ID, username, roles);
    }

    public User userIn(String tenantId, String username, String... roles) {
        return server.engine().userRegistration().register(tenantId, username, PASSWORD.toCharArray(),
                new UserProfile("Alice Example", "Alice", "Example", username + "@example.com", true, null, "en"),
                Set.of(roles), Map.of("department", "engineering"));
    }

    /** A confidential client of the default tenant with every grant and scopes openid, profile, email, api. */
    public Client confidentialClient(String clientId) {
        return save(confidential(Tenant.DEFAULT_ID, clientId));
    }

    public Client.Builder confidential(String tenantId, String clientId) {
        Instant now = Instant.now();
        return Client.builder(tenantId, clientId)
                .secretHash(ClientSecrets.hash(SECRET))
                .redirectUri("https://app.example.com/callback")
                .grantTypes(Set.of(GrantType.values()))
                .scopes(Set.of("openid", "profile", "email", "api"))
                .createdAt(now).updatedAt(now);
    }

    /** A public client (no secret) allowed password and refresh grants. */
    public Client publicClient(String clientId) {
        Instant now = Instant.now();
        return save(Client.builder(Tenant.DEFAULT_ID, clientId)
                .redirectUri("https://app.example.com/callback")
                .grantTypes(Set.of(GrantType.PASSWORD, GrantType.REFRESH_TOKEN, GrantType.AUTHORIZATION_CODE))
                .scopes(Set.of("openid", "profile", "email"))
                .createdAt(now).updatedAt(now));
    }

    public Client save(Client.Builder builder) {
        Client client = builder.build();
        server.engine().clients().create(client);
        return client;
    }

    public HttpResponse<String> head(String path, String... headers) {
        return send(HttpRequest.newBuilder(uri(path)).method("HEAD", HttpRequest.BodyPublishers.noBody()), headers);
    }

    /** Every header of {@code response} but {@code Date}, names in lower case: to compare two answers. */
    public static Map<String, java.util.List<String>> headersButDate(HttpResponse<?> response) {
        Map<String, java.util.List<String>> all = new java.util.TreeMap<>(response.headers().map());
        all.remove("date");
        all.remove(":status");
        return all;
    }

    public HttpResponse<String> get(String path, String... headers) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), headers);
    }

    /** POSTs {@code body} as a form unless a Content-Type is among {@code headers}. */
    public HttpResponse<String> post(String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body));
        boolean typed = false;
        for (int i = 0; i < headers.length; i += 2) {
            typed |= headers[i].equalsIgnoreCase("Content-Type");
        }
        if (!typed) {
            request.header("Content-Type", FORM);
        }
        return send(request, headers);
    }

    public HttpResponse<String> postBytes(String path, byte[] body, String contentType) {
        return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body)), "Content-Type", contentType);
    }

    public HttpResponse<String> send(HttpRequest.Builder request, String... headers) {
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A password login of {@code username} with {@code clientId} over Basic; returns the JSON body. */
    public JsonNode passwordLogin(String clientId, String username) {
        HttpResponse<String> response = post("/oauth2/token",
                form("grant_type", "password", "username", username, "password", PASSWORD, "scope", "openid profile email"),
                "Authorization", basic(clientId, SECRET));
        if (response.statusCode() != 200) {
            throw new AssertionError("login failed: " + response.statusCode() + " " + response.body());
        }
        return json(response.body());
    }

    public static String form(String... keyValues) {
        StringBuilder form = new StringBuilder();
        for (int i = 0; i < keyValues.length; i += 2) {
            if (form.length() > 0) {
                form.append('&');
            }
            form.append(URLEncoder.encode(keyValues[i], StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(keyValues[i + 1], StandardCharsets.UTF_8));
        }
        return form.toString();
    }

    public static String basic(String clientId, String secret) {
        String pair = URLEncoder.encode(clientId, StandardCharsets.UTF_8) + ":" + URLEncoder.encode(secret, StandardCharsets.UTF_8);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    public static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
