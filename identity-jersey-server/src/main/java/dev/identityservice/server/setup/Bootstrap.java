package dev.identityservice.server.setup;

import dev.identityservice.core.IdentityEngine;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.client.ClientSecrets;
import dev.identityservice.core.client.GrantType;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.token.TokenSettings;
import dev.identityservice.core.user.UserProfile;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The first start of a fresh installation: a first admin user (role {@code admin}) when the default tenant has
 * no user, and a demo client when it has no client. A credential given by the operator
 * ({@code bootstrap.admin.password}, {@code bootstrap.demo.secret}, or their {@code _FILE} variables) is used
 * and never shown; one not given is generated and shown once, only when created here (they are stored as
 * hashes only): written to an owner-only file ({@code data.dir/bootstrap-credentials.txt}) whose path alone is
 * printed, so that no secret ends up in journald or a container log; or, with {@code bootstrap.print=true},
 * printed to standard output (never the log).
 */
public final class Bootstrap {

    public static final String ADMIN_USERNAME = "admin";
    public static final String ADMIN_ROLE = "admin";
    public static final String DEMO_CLIENT_ID = "demo";
    public static final String DEMO_REDIRECT_URI = "http://127.0.0.1:8081/callback";
    /**
     * The demo client's grants: not the resource owner password grant, which RFC 9700 §2.4 says must not be
     * used; a client gets it only where an operator asks for it explicitly (an import file or the management
     * API), as the quickstart client does.
     */
    public static final Set<GrantType> DEMO_GRANT_TYPES =
            Set.of(GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN, GrantType.CLIENT_CREDENTIALS);

    private final IdentityEngine engine;
    private final Duration accessTokenTtl;
    private final String adminPassword;
    private final String demoSecret;

    /** A bootstrap that generates both credentials. */
    public Bootstrap(IdentityEngine engine, Duration accessTokenTtl) {
        this(engine, accessTokenTtl, null, null);
    }

    /**
     * @param adminPassword the first admin's password, or {@code null} to generate and print one
     * @param demoSecret    the demo client's secret, or {@code null} to generate and print one
     */
    public Bootstrap(IdentityEngine engine, Duration accessTokenTtl, String adminPassword, String demoSecret) {
        this.engine = engine;
        this.accessTokenTtl = accessTokenTtl;
        this.adminPassword = adminPassword;
        this.demoSecret = demoSecret;
    }

    /**
     * Checks the given credentials against the rules, writing nothing (the start fails before anything is created).
     *
     * @throws IllegalArgumentException naming the setting
     */
    public void check() {
        if (demoSecret != null && demoSecret.length() < ClientSecrets.MIN_SECRET_LENGTH_CHARS) {
            throw new IllegalArgumentException("bootstrap.demo.secret must have at least " + ClientSecrets.MIN_SECRET_LENGTH_CHARS + " characters");
        }
        if (adminPassword != null) {
            try {
                SetupImporter.checkPassword(adminPassword);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bootstrap.admin.password: " + e.getMessage());
            }
        }
    }

    /** Creates what is missing and prints the new credentials to {@code out}. */
    public void run(PrintStream out) {
        run(out, null);
    }

    /**
     * Creates what is missing. Generated credentials go to {@code credentialsFile} (created owner-only, with its
     * directory; replaced if it exists) and {@code out} gets its path; with {@code credentialsFile} null they are
     * printed to {@code out}. Credentials the operator configured are only named, never shown.
     *
     * @throws UncheckedIOException when the file cannot be written (the user and client exist by then: the
     *         message says to reset the password with {@code reset-admin-password})
     */
    public void run(PrintStream out, Path credentialsFile) {
        String tenantId = Tenant.DEFAULT_ID;
        StringBuilder created = new StringBuilder();
        if (engine.users().list(tenantId, 0, 1).isEmpty()) {
            String password = adminPassword != null ? adminPassword : ClientSecrets.generate().substring(0, 24);
            engine.userRegistration().register(tenantId, ADMIN_USERNAME, password.toCharArray(),
                    new UserProfile("Administrator", null, null, null, false, null, null), Set.of(ADMIN_ROLE), Map.of());
            created.append("  admin user:    ").append(ADMIN_USERNAME)
                    .append(adminPassword != null ? " (password: bootstrap.admin.password)" : " / " + password).append('\n');
        }
        if (engine.clients().list(tenantId, 0, 1).isEmpty()) {
            String secret = demoSecret != null ? demoSecret : ClientSecrets.generate();
            Instant now = engine.clock().instant();
            engine.clients().create(Client.builder(tenantId, DEMO_CLIENT_ID)
                    .name("Demo client")
                    .secretHash(ClientSecrets.hash(secret))
                    .grantTypes(DEMO_GRANT_TYPES)
                    .scopes(Set.of("openid", "profile", "email", "api"))
                    .redirectUris(List.of(DEMO_REDIRECT_URI))
                    .tokenSettings(TokenSettings.DEFAULTS.withAccessTokenTtl(accessTokenTtl))
                    .createdAt(now).updatedAt(now)
                    .build());
            created.append("  demo client:   ").append(DEMO_CLIENT_ID)
                    .append(demoSecret != null ? " (secret: bootstrap.demo.secret)" : " / " + secret).append('\n');
        }
        if (created.length() > 0) {
            boolean secretShown = (adminPassword == null && created.indexOf("admin user") >= 0)
                    || (demoSecret == null && created.indexOf("demo client") >= 0);
            String text = (secretShown ? "\n=== First start: these credentials are shown ONCE and stored only as hashes ===\n"
                    : "\n=== First start: created with the configured credentials ==================\n")
                    + created + "=================================================================================\n\n";
            if (secretShown && credentialsFile != null) {
                writeOwnerOnly(credentialsFile, text.strip() + "\n");
                text = "\n=== First start: the generated credentials of the admin user and the demo client are in\n"
                        + "    " + credentialsFile.toAbsolutePath() + " (owner-only). Read it, then delete it. ===\n\n";
            }
            out.print(text);
            out.flush();
        }
    }

    /** Writes {@code text} to {@code file}, owner-only from its creation on where the file system has POSIX permissions. */
    private static void writeOwnerOnly(Path file, String text) {
        Path target = file.toAbsolutePath();
        try {
            boolean posix = target.getFileSystem().supportedFileAttributeViews().contains("posix");
            Path parent = target.getParent();
            if (parent != null && Files.notExists(parent)) {
                if (posix) {
                    Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } else {
                    Files.createDirectories(parent);
                }
            }
            // Deleted first: an old file may be wider than owner-only, and the attribute applies at creation only.
            Files.deleteIfExists(target);
            if (posix) {
                Files.createFile(target, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(target);
            }
            Files.writeString(target, text, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the bootstrap credentials to " + target + " (" + e.getClass().getSimpleName()
                    + "); the admin user exists: set its password with reset-admin-password", e);
        }
    }
}
