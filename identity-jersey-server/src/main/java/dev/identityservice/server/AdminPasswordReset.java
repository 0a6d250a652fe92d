package dev.identityservice.server;

import dev.identityservice.core.audit.AuditEvent;
import dev.identityservice.core.client.ClientSecrets;
import dev.identityservice.core.store.jdbc.Database;
import dev.identityservice.core.store.jdbc.JdbcAuditEventStore;
import dev.identityservice.core.store.jdbc.JdbcUserStore;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.user.Argon2idPasswordHasher;
import dev.identityservice.core.user.User;
import dev.identityservice.core.user.UserRegistration;
import dev.identityservice.server.audit.AuditLog;
import dev.identityservice.server.setup.SetupImporter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * The {@code reset-admin-password} command: sets a user's password directly in the database of a stopped
 * server (H2 or PostgreSQL, configured with the server's own options), for an administrator who lost it.
 * The new password comes from {@code --password-file FILE}, from standard input (one line), or with
 * {@code --generate} is generated and printed once. Every token issued to the user before is revoked.
 */
public final class AdminPasswordReset {

    /** The first argument that selects this command. */
    public static final String COMMAND = "reset-admin-password";
    private static final int GENERATED_LENGTH = 24;

    private AdminPasswordReset() {
    }

    /**
     * Runs the command with the arguments after {@link #COMMAND}.
     *
     * @return the process exit code: 0 done, 1 failed, 2 bad usage or configuration; the reason is one line on {@code err}
     */
    public static int run(List<String> args, Function<String, String> environment, InputStream in, PrintStream out, PrintStream err) {
        String username = "admin";
        String tenant = Tenant.DEFAULT_ID;
        Path passwordFile = null;
        boolean generate = false;
        List<String> serverArgs = new ArrayList<>();
        try {
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                switch (arg) {
                    case "--username" -> username = value(args, ++i, arg);
                    case "--tenant" -> tenant = value(args, ++i, arg);
                    case "--password-file" -> passwordFile = Path.of(value(args, ++i, arg));
                    case "--generate" -> generate = true;
                    default -> serverArgs.add(arg);
                }
            }
            if (generate && passwordFile != null) {
                throw new IllegalArgumentException("give --generate or --password-file, not both");
            }
            ServerConfig config = ConfigLoader.load(CommandLine.parse(serverArgs.toArray(String[]::new)), environment);
            String password = generate ? ClientSecrets.generate().substring(0, GENERATED_LENGTH)
                    : passwordFile != null ? firstLine(Files.newInputStream(passwordFile), "--password-file " + passwordFile.toAbsolutePath())
                    : firstLine(in, "standard input");
            SetupImporter.checkPassword(password);
            if (config.dbUrl() == null && !Files.isDirectory(config.dataDir())) {
                throw new IllegalArgumentException("no database: the data directory " + config.dataDir().toAbsolutePath()
                        + " does not exist; give the --data-dir (or --db-url) the server runs with");
            }
            reset(config, tenant, username, password);
            out.println("The password of " + username + " (tenant " + tenant + ") was reset; tokens issued to it before are revoked."
                    + (generate ? " New password: " + password : ""));
            return 0;
        } catch (IllegalArgumentException e) {
            err.println(COMMAND + ": " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println(COMMAND + ": cannot read " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            String reason = oneLine(e);
            err.println(COMMAND + ": " + reason + (reason.contains("already in use") ? " (stop the server first)" : ""));
            return 1;
        }
    }

    private static void reset(ServerConfig config, String tenant, String username, String password) {
        try (Database database = Database.open(config.databaseConfig())) {
            JdbcUserStore users = new JdbcUserStore(database);
            Clock clock = Clock.systemUTC();
            User user = users.findByUsername(tenant, username).orElseThrow(() -> new IllegalArgumentException(
                    "no user '" + username + "' in tenant '" + tenant + "'"));
            new UserRegistration(users, new Argon2idPasswordHasher(config.passwordHashParameters(), new SecureRandom()), clock)
                    .changePassword(user, password.toCharArray());
            // The cut-off is a whole second (RevocationCutOff), as for the management API, so the security event's
            // event_timestamp tells receivers exactly what the server refuses.
            java.time.Instant cutOff = new dev.identityservice.core.token.RevocationCutOff(clock,
                    dev.identityservice.core.token.RevocationCutOff.Sleeper.THREAD_SLEEP).next();
            database.inOneTransaction(() -> {
                users.setTokensValidAfter(tenant, user.id(), cutOff);
                // No server runs on this database (H2) or its instances find the event at their next periodic re-check.
                new dev.identityservice.core.event.SecurityEvents(new dev.identityservice.core.store.jdbc.JdbcSecurityEventStore(database),
                        database, new dev.identityservice.core.change.InProcessChangeNotifier(), clock,
                        dev.identityservice.core.event.SecurityEventSettings.DEFAULTS)
                        .userRevoked(tenant, dev.identityservice.core.event.SecurityEventType.SESSION_REVOKED, user.id(), cutOff);
                return null;
            });
            // Written at once (no request to keep fast): the audit log shows who reset whom, as for the management API.
            new JdbcAuditEventStore(database).append(List.of(new AuditEvent(UUID.randomUUID().toString(), tenant, clock.instant(),
                    AuditLog.ADMIN_PREFIX + "user.reset-password", "os:" + System.getProperty("user.name"), user.id(), null, null,
                    "success", COMMAND + " on a stopped server")));
        }
    }

    private static String value(List<String> args, int index, String flag) {
        if (index >= args.size()) {
            throw new IllegalArgumentException("option " + flag + " needs a value");
        }
        return args.get(index);
    }

    private static String firstLine(InputStream in, String source) throws IOException {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line = reader.readLine();
            if (line == null || line.isEmpty()) {
                throw new IllegalArgumentException("no password on " + source + " (or use --generate)");
            }
            return line;
        }
    }

    /** The first line of the innermost message: enough to act on, no stack trace. */
    private static String oneLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}
