package dev.identityservice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The production deployment of the README, run for real: {@code scripts/check-nginx.sh} puts Debian's nginx
 * with {@code deploy/nginx/identity.conf} and TLS in front of two server processes (this build's jar) on one
 * PostgreSQL, and checks discovery, a login and the forwarded client address through it.
 *
 * <p>Skipped with a message without {@code IDENTITY_TEST_POSTGRES_URL}, or when nginx is missing and cannot be
 * installed; with {@code IDENTITY_TEST_NGINX=required} (CI) the latter fails instead, as
 * {@code IDENTITY_TEST_BROWSER=required} does for the browser test.
 */
class NginxFrontIT {

    /** The script's exit code for "could not run here" (no nginx, PostgreSQL unreachable). */
    private static final int CANNOT_RUN = 3;
    private static final long TIMEOUT_SECONDS = 300;

    @Test
    void checkNginxWhenTwoInstancesBehindTlsProxyThenDiscoveryLoginAndForwardedAddressWork() throws Exception {
        String postgres = System.getenv("IDENTITY_TEST_POSTGRES_URL");
        assumeTrue(postgres != null && !postgres.isBlank(), "nginx deployment check skipped: set IDENTITY_TEST_POSTGRES_URL");
        String jar = System.getProperty("identity.server.jar");
        assertNotNull(jar, "failsafe sets identity.server.jar");
        Path script = Path.of("..", "scripts", "check-nginx.sh").toAbsolutePath().normalize();
        Path output = Files.createTempFile("check-nginx", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder("bash", script.toString())
                    .redirectErrorStream(true).redirectOutput(output.toFile());
            builder.environment().put("IDENTITY_SERVER_JAR", Path.of(jar).toAbsolutePath().toString());
            Process process = builder.start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                // The script's own trap stops nginx and the instances on TERM.
                process.destroy();
                process.waitFor(30, TimeUnit.SECONDS);
                fail("check-nginx.sh ran longer than " + TIMEOUT_SECONDS + " s:\n" + read(output));
            }
            String log = read(output);
            if (process.exitValue() == CANNOT_RUN) {
                if ("required".equals(System.getenv("IDENTITY_TEST_NGINX"))) {
                    fail("IDENTITY_TEST_NGINX=required, but the check cannot run:\n" + log);
                }
                assumeTrue(false, "nginx deployment check skipped: " + log.strip());
            }
            assertEquals(0, process.exitValue(), log);
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
