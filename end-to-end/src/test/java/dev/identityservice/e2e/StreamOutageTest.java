package dev.identityservice.e2e;

import static dev.identityservice.e2e.QuickstartStack.ALICE;
import static dev.identityservice.e2e.QuickstartStack.ALICE_PASSWORD;
import static dev.identityservice.e2e.QuickstartStack.CAROL;
import static dev.identityservice.e2e.QuickstartStack.CAROL_PASSWORD;
import static dev.identityservice.e2e.QuickstartStack.QUICKSTART_CLIENT;
import static dev.identityservice.e2e.QuickstartStack.QUICKSTART_SECRET;
import static dev.identityservice.e2e.QuickstartStack.RECEIVER_CLIENT;
import static dev.identityservice.e2e.QuickstartStack.RECEIVER_SECRET;
import static dev.identityservice.e2e.RevocationReachesSampleTest.login;
import static dev.identityservice.e2e.RevocationReachesSampleTest.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.sample.SampleApp;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sample app's event stream broken and mended, with the real server: the server stopped and started again on
 * its port, the sample's receiver client deleted and registered again, the sample itself restarted while an event
 * is raised. Three samples trust the server, one per {@code events.when-stale} mode ({@code SAMPLE_EVENTS_WHEN_STALE}),
 * each counting itself stale 3 s after the stream's last answer (the server holds a poll at most 1 s).
 */
class StreamOutageTest {

    private static final Duration STALENESS = Duration.ofSeconds(3);
    private static final Duration LIMIT = Duration.ofSeconds(20);

    private QuickstartStack stack;
    /** fail-closed: the stack's own sample. */
    private SampleApp closed;
    private SampleApp open;
    private SampleApp introspect;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        stack = QuickstartStack.start(server -> server.adminAudiences("demo-api").securityEventsPollMaxWait(Duration.ofSeconds(1)),
                settings("fail-closed"));
        closed = stack.sample;
        open = sample("fail-open");
        introspect = sample("introspect");
        stack.awaitReceivers(3);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    private static Map<String, String> settings(String whenStale) {
        return Map.of("SAMPLE_EVENTS_WHEN_STALE", whenStale, "SAMPLE_EVENTS_MAX_STALENESS", STALENESS.toSeconds() + "s",
                "SAMPLE_INTROSPECTION_CLIENT_ID", QUICKSTART_CLIENT, "SAMPLE_INTROSPECTION_CLIENT_SECRET", QUICKSTART_SECRET);
    }

    private SampleApp sample(String whenStale) throws Exception {
        SampleApp app = QuickstartStack.startSample(stack.server, settings(whenStale));
        closing.add(0, app);
        return app;
    }

    @Test
    void serverStoppedThenEachSampleAsConfiguredAndOnceTheServerIsBackAllRecoverByThemselves() throws Exception {
        String valid = login(stack, ALICE, ALICE_PASSWORD);
        String revoked = login(stack, ALICE, ALICE_PASSWORD);
        for (SampleApp app : List.of(closed, open, introspect)) {
            awaitStatus(app, valid, 200);
            awaitStatus(app, revoked, 200);
        }
        revoke(revoked);
        for (SampleApp app : List.of(closed, open, introspect)) {
            awaitStatus(app, revoked, 401);
        }

        stack.stopServer();
        long down = System.nanoTime();
        HttpResponse<String> refused = awaitStatus(closed, valid, 503);
        long staleAfter = millisSince(down);
        assertTrue(refused.headers().firstValue("Retry-After").isPresent(), refused.headers().toString());
        assertEquals(200, status(open, valid), "fail-open accepts while stale");
        assertEquals(401, status(open, revoked), "fail-open still applies the deny-list");
        assertEquals(503, status(introspect, valid), "introspect cannot ask a stopped issuer: 503, never a 401");

        stack.restartServer();
        long up = System.nanoTime();
        awaitStatus(closed, valid, 200);
        long recoveredAfter = millisSince(up);
        awaitStatus(introspect, valid, 200);
        for (SampleApp app : List.of(closed, open, introspect)) {
            assertEquals(401, status(app, revoked));
        }
        System.out.printf("Stream outage (server stopped): fail-closed sample answered 503 after %d ms (staleness bound %d s);"
                + " recovered %d ms after the server was back%n", staleAfter, STALENESS.toSeconds(), recoveredAfter);
    }

    @Test
    void receiverClientDeletedThenIntrospectLetsTheIssuerDecideAndOnceRegisteredAgainTheStreamsCatchUp() throws Exception {
        String valid = login(stack, ALICE, ALICE_PASSWORD);
        String revokedMeanwhile = login(stack, ALICE, ALICE_PASSWORD);
        for (SampleApp app : List.of(closed, open, introspect)) {
            awaitStatus(app, valid, 200);
            awaitStatus(app, revokedMeanwhile, 200);
        }
        String admin = login(stack, CAROL, CAROL_PASSWORD);
        HttpResponse<String> deleted = send(HttpRequest.newBuilder(stack.issuer("/admin/clients/" + RECEIVER_CLIENT))
                .header("Authorization", Http.bearer(admin)).DELETE());
        assertEquals(204, deleted.statusCode(), deleted.body());
        awaitStatus(closed, valid, 503);

        // The stream is broken but the issuer answers: in introspect mode it decides each token.
        assertEquals(200, status(introspect, valid));
        revoke(revokedMeanwhile);
        awaitStatus(introspect, revokedMeanwhile, 401);
        assertEquals(200, status(open, revokedMeanwhile), "fail-open, stale: as without a stream");
        assertEquals(503, status(closed, revokedMeanwhile));

        HttpResponse<String> registered = send(HttpRequest.newBuilder(stack.issuer("/admin/clients"))
                .header("Authorization", Http.bearer(admin)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"clientId\":\"" + RECEIVER_CLIENT + "\",\"secret\":\""
                        + RECEIVER_SECRET + "\",\"grantTypes\":[\"client_credentials\"],\"scopes\":[\"security_events\"]}")));
        assertEquals(201, registered.statusCode(), registered.body());
        awaitStatus(closed, valid, 200);
        for (SampleApp app : List.of(closed, open, introspect)) {
            awaitStatus(app, revokedMeanwhile, 401); // the new streams start with the events still kept
        }
    }

    @Test
    void sampleRestartedThenItCatchesUpWithTheRevocationMadeWhileItWasDown() throws Exception {
        String valid = login(stack, ALICE, ALICE_PASSWORD);
        String revokedWhileDown = login(stack, ALICE, ALICE_PASSWORD);
        SampleApp first = sample("fail-closed");
        awaitStatus(first, valid, 200);
        awaitStatus(first, revokedWhileDown, 200);
        closing.remove(first);
        first.close();

        revoke(revokedWhileDown);

        SampleApp restarted = sample("fail-closed");
        // fail-closed: it serves nothing before its stream's first answer, and then it knows.
        awaitStatus(restarted, valid, 200);
        HttpResponse<String> refused = response(restarted, revokedWhileDown);
        assertEquals(401, refused.statusCode());
        assertTrue(refused.headers().firstValue("WWW-Authenticate").orElse("").contains("token revoked"), refused.headers().toString());
    }

    private void revoke(String token) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(stack.issuer("/oauth2/revoke"))
                .header("Content-Type", Http.FORM).header("Authorization", Http.basic(QUICKSTART_CLIENT, QUICKSTART_SECRET))
                .POST(HttpRequest.BodyPublishers.ofString("token=" + token)));
        assertEquals(200, response.statusCode(), response.body());
    }

    private static HttpResponse<String> awaitStatus(SampleApp app, String token, int status) {
        @SuppressWarnings("unchecked")
        HttpResponse<String>[] last = new HttpResponse[1];
        QuickstartStack.await(app.url() + " answering " + status, () -> {
            last[0] = response(app, token);
            return last[0].statusCode() == status;
        }, LIMIT);
        return last[0];
    }

    private static int status(SampleApp app, String token) {
        return response(app, token).statusCode();
    }

    private static HttpResponse<String> response(SampleApp app, String token) {
        URI me = app.url().resolve("api/me");
        return send(HttpRequest.newBuilder(me).header("Authorization", Http.bearer(token)).GET());
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
