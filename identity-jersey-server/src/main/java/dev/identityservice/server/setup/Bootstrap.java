package dev.identityservice.server.setup;

import dev.identityservice.core.IdentityEngine;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.client.ClientSecrets;
import dev.identityservice.core.client.GrantType;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.token.TokenSettings;
import dev.identityservice.core.user.UserProfile;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The first start of a fresh installation: a first admin user (role {@code admin}, random password) when the
 * default tenant has no user, and a demo client when it has no client. Their credentials are printed once,
 * to standard output and not the log, and only when created here: they are stored as hashes only.
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

    public Bootstrap(IdentityEngine engine, Duration accessTokenTtl) {
        this.engine = engine;
        this.accessTokenTtl = accessTokenTtl;
    }

    /** Creates what is missing and prints the new credentials to {@code out}. */
    public void run(PrintStream out) {
        String tenantId = Tenant.DEFAULT_ID;
        StringBuilder created = new StringBuilder();
        if (engine.users().list(tenantId, 0, 1).isEmpty()) {
            String password = ClientSecrets.generate().substring(0, 24);
            engine.userRegistration().register(tenantId, ADMIN_USERNAME, password.toCharArray(),
                    new UserProfile("Administrator", null, null, null, false, null, null), Set.of(ADMIN_ROLE), Map.of());
            created.append("  admin user:    ").append(ADMIN_USERNAME).append(" / ").append(password).append('\n');
        }
        if (engine.clients().list(tenantId, 0, 1).isEmpty()) {
            String secret = ClientSecrets.generate();
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
            created.append("  demo client:   ").append(DEMO_CLIENT_ID).append(" / ").append(secret).append('\n');
        }
        if (created.length() > 0) {
            out.print("\n=== First start: these credentials are shown ONCE and stored only as hashes ===\n"
                    + created + "=================================================================================\n\n");
            out.flush();
        }
    }
}
