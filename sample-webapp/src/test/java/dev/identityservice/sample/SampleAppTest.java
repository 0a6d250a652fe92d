package dev.identityservice.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The launcher on port 0 with every option given: it serves what the WAR serves ({@link
 * GuardedAppContract}), with the audience and client id from its options.
 */
class SampleAppTest extends GuardedAppContract {

    static FakeIssuer issuer;
    static SampleApp app;

    @BeforeAll
    static void launch() throws Exception {
        issuer = FakeIssuer.start();
        app = SampleApp.start(LauncherOptions.parse("--port", "0", "--issuer", issuer.url(),
                "--audience=sample-api", "--client-id", "sample-page"));
    }

    @AfterAll
    static void stop() throws Exception {
        app.close();
        issuer.close();
    }

    @Override
    String base() {
        return app.url().toString();
    }

    @Override
    FakeIssuer issuer() {
        return issuer;
    }

    @Override
    String audience() {
        return "sample-api";
    }

    @Override
    String clientId() {
        return "sample-page";
    }

    @Test
    void startWhenPortZeroThenListensOnLoopbackAndDescribesItsSettings() {
        assertTrue(app.url().toString().matches("http://127\\.0\\.0\\.1:\\d+/"), app.url().toString());
        assertTrue(app.url().getPort() > 0);
        assertEquals("Sample app at " + app.url() + " (issuer " + issuer.url() + ", audience sample-api,"
                + " page client id sample-page, scope \"openid profile email\")", app.describe());
    }

    @Test
    void closeWhenOptionsHadSetPropertiesThenTheyAreRestored() throws Exception {
        System.setProperty("SAMPLE_AUDIENCE", "before");
        try (SampleApp second = SampleApp.start(LauncherOptions.parse("--port", "0", "--issuer", issuer.url(),
                "--audience", "other-api"))) {
            assertEquals("other-api", System.getProperty("SAMPLE_AUDIENCE"));
            assertTrue(second.describe().contains("audience other-api,"), second.describe());
        } finally {
            assertEquals("before", System.getProperty("SAMPLE_AUDIENCE"));
            System.clearProperty("SAMPLE_AUDIENCE");
        }
        // Back to what the first app set, not cleared: each app restores only what it replaced.
        assertEquals(issuer.url(), System.getProperty("SAMPLE_ISSUER"));
    }
}
