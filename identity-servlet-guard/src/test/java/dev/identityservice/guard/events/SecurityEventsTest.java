package dev.identityservice.guard.events;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.guard.GuardConfig;
import dev.identityservice.guard.GuardConfig.EventsSettings.WhenStale;
import dev.identityservice.guard.error.InvalidTokenException;
import dev.identityservice.guard.error.VerificationUnavailableException;
import dev.identityservice.guard.testing.FakeTransmitter;
import dev.identityservice.guard.testing.MutableClock;
import dev.identityservice.guard.testing.TestKey;
import dev.identityservice.guard.testing.TestTokens;
import dev.identityservice.guard.verify.GuardTokenVerifier;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The receiver against a real transmitter over HTTP (Jetty, port 0, real keys and signatures): each event kind
 * denies exactly the tokens it names, cached tokens included; bad SETs are refused and reported; a broken stream
 * meets the configured stale behaviour and recovers by itself; a new receiver catches up.
 */
class SecurityEventsTest {
    static final String AUDIENCE = "orders-api";
    static final TestKey KEY = TestKey.rsa("sig-1");
    static final TestKey OTHER_KEY = TestKey.rsa("sig-2");

    private final List<AutoCloseable> closing = new ArrayList<>();
    private FakeTransmitter transmitter;

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private FakeTransmitter transmitter(Clock clock) {
        transmitter = FakeTransmitter.start(clock, KEY);
        transmitter.publish(KEY, OTHER_KEY);
        transmitter.hold(Duration.ofMillis(300));
        closing.add(transmitter);
        return transmitter;
    }

    private GuardConfig.Builder config(Clock clock) {
        return GuardConfig.builder().issuer(transmitter.url()).audience(AUDIENCE).clock(clock)
                .eventsClient(FakeTransmitter.RECEIVER, FakeTransmitter.RECEIVER_SECRET)
                .httpReadTimeout(Duration.ofSeconds(2));
    }

    private GuardTokenVerifier guard(GuardConfig config) {
        GuardTokenVerifier verifier = GuardTokenVerifier.create(config);
        closing.add(0, verifier);
        await("the receiver catches up", () -> !verifier.eventFreshness().stale());
        return verifier;
    }

    private TestTokens token(Clock clock, TestKey key) {
        return TestTokens.accessToken(transmitter.url(), AUDIENCE, key, clock);
    }

    /** Waits until the deny-list holds {@code entries} (the event was polled and applied). */
    private static void awaitApplied(GuardTokenVerifier guard, int entries) {
        await("deny-list holds " + entries, () -> guard.denyList().size() >= entries);
    }

    static void await(String what, BooleanSupplier condition) {
        long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("timed out waiting: " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    private static void refused(GuardTokenVerifier guard, String token) {
        InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> guard.verify(token));
        assertEquals("token revoked", e.error().description());
    }

    @Test
    void accessTokenRevokedWhenPolledThenOnlyThatJtiIsRefused() throws Exception {
        Clock clock = Clock.systemUTC();
        transmitter(clock);
        GuardTokenVerifier guard = guard(config(clock).build());
        String revoked = token(clock, KEY).claim("jti", "jti-1").sign();
        String kept = token(clock, KEY).claim("jti", "jti-2").sign();
        assertDoesNotThrow(() -> guard.verify(revoked));
        transmitter.accessTokenRevoked("jti-1", transmitter.nowSeconds() + 300);
        awaitApplied(guard, 1);
        refused(guard, revoked);
        assertEquals("alice", guard.verify(kept).subject());
        await("acknowledged", () -> transmitter.openStreams() == 1 && transmitter.setErrs.isEmpty());
    }

    @Test
    void sessionRevokedThenTokensOfThatSidIssuedBeforeTheCutOffAreRefused() throws Exception {
        MutableClock clock = MutableClock.atFixedStart();
        transmitter(clock);
        GuardTokenVerifier guard = guard(config(clock).build());
        String sameSession = token(clock, KEY).claim("sid", "s-1").sign();
        String otherSession = token(clock, KEY).claim("sid", "s-2").sign();
        long cutoff = transmitter.nowSeconds() + 1;
        transmitter.sessionRevoked("s-1", "alice", cutoff, cutoff + 300);
        awaitApplied(guard, 1);
        refused(guard, sameSession);
        assertDoesNotThrow(() -> guard.verify(otherSession));
        clock.advance(Duration.ofSeconds(1));
        String issuedAfter = token(clock, KEY).claim("sid", "s-1").sign();
        assertDoesNotThrow(() -> guard.verify(issuedAfter), "a token of that sid issued at the cut-off is not revoked");
    }

    @ParameterizedTest
    @ValueSource(strings = {EventTypes.SESSION_REVOKED, EventTypes.ACCOUNT_DISABLED, EventTypes.ACCOUNT_PURGED})
    void userEventThenTokensOfThatSubIssuedBeforeAreRefusedAndLaterOnesAccepted(String type) throws Exception {
        MutableClock clock = MutableClock.atFixedStart();
        transmitter(clock);
        GuardTokenVerifier guard = guard(config(clock).build());
        String alice = token(clock, KEY).sign();
        String bob = token(clock, KEY).claim("sub", "bob").sign();
        assertDoesNotThrow(() -> guard.verify(alice)); // cached before the event
        long cutoff = transmitter.nowSeconds() + 1;
        transmitter.userEvent(type, "alice", cutoff, cutoff + 300);
        awaitApplied(guard, 1);
        refused(guard, alice);
        assertDoesNotThrow(() -> guard.verify(bob));
        clock.advance(Duration.ofSeconds(1));
        String aliceAgain = token(clock, KEY).sign();
        assertEquals("alice", guard.verify(aliceAgain).subject(), "signed in again after the event");
    }

    @Test
    void clientDisabledThenTokensOfThatClientIssuedBeforeAreRefused() throws Exception {
        MutableClock clock = MutableClock.atFixedStart();
        transmitter(clock);
        GuardTokenVerifier guard = guard(config(clock).build());
        String web = token(clock, KEY).sign();
        String mobile = token(clock, KEY).claim("client_id", "mobile-app").sign();
        long cutoff = transmitter.nowSeconds() + 1;
        transmitter.clientDisabled("web-app", cutoff, cutoff + 300);
        awaitApplied(guard, 1);
        refused(guard, web);
        assertDoesNotThrow(() -> guard.verify(mobile));
        clock.advance(Duration.ofSeconds(1));
        assertDoesNotThrow(() -> guard.verify(token(clock, KEY).sign()), "re-enabled client, token issued after");
    }

    @Test
    void keyRevokedThenKeyLeavesTheKeySetAndAFetchStillListingItDoesNotBringItBack() throws Exception {
        Clock clock = Clock.systemUTC();
        transmitter(clock);
        transmitter.publish(KEY, OTHER_KEY);
        GuardTokenVerifier guard = guard(config(clock).jwksMinLifetime(Duration.ofMillis(200))
                .jwksDefaultLifetime(Duration.ofMillis(200)).jwksRefreshAhead(Duration.ZERO).build());
        String byOther = token(clock, OTHER_KEY).sign();
        String byKey = token(clock, KEY).sign();
        assertDoesNotThrow(() -> guard.verify(byOther)); // cached as verified
        assertEquals(2, guard.keys().cachedKeyCount());
        transmitter.keyRevoked("sig-2", transmitter.nowSeconds() + 300);
        awaitApplied(guard, 1);
        assertEquals(1, guard.keys().cachedKeyCount(), "dropped from the key set at once");
        InvalidTokenException cached = assertThrows(InvalidTokenException.class, () -> guard.verify(byOther));
        assertEquals("signing key revoked", cached.error().description());
        InvalidTokenException fresh = assertThrows(InvalidTokenException.class,
                () -> guard.verify(token(clock, OTHER_KEY).sign()));
        assertTrue(fresh.error().description().contains("revoked"), fresh.error().description());
        // The JWKS (a stale replica, say) still lists the key: refetches must not re-add it.
        Thread.sleep(500);
        assertDoesNotThrow(() -> guard.verify(token(clock, KEY).sign())); // triggers the refresh
        await("a refetch happened", () -> guard.keys().cachedKeyCount() == 1);
        assertThrows(InvalidTokenException.class, () -> guard.verify(token(clock, OTHER_KEY).sign()));
        assertDoesNotThrow(() -> guard.verify(byKey));
        assertTrue(guard.keys().revokedKids().contains("sig-2"));
    }

    @Test
    void keyRevokedThenTheKeySetIsRefetchedAtOnceSoTheIssuersNewKeyVerifiesWithoutTheUnknownKidBudget() throws Exception {
        Clock clock = Clock.systemUTC();
        transmitter(clock);
        GuardTokenVerifier guard = guard(config(clock).build()); // unknown-kid refetches: at most one per 30 s
        assertThrows(InvalidTokenException.class, () -> guard.verify(token(clock, TestKey.rsa("bogus")).sign()));
        // Rotate-and-revoke at the issuer: sig-2 revoked, a new key published (the budget above is spent).
        TestKey third = TestKey.rsa("sig-3");
        transmitter.publish(KEY, third);
        transmitter.keyRevoked("sig-2", transmitter.nowSeconds() + 300);
        awaitApplied(guard, 1);
        String byThird = token(clock, third).sign();
        await("the new key verifies", () -> {
            try {
                return "alice".equals(guard.verify(byThird).subject());
            } catch (InvalidTokenException | VerificationUnavailableException e) {
                return false;
            }
        });
        assertTrue(guard.keys().revokedKids().contains("sig-2"));
    }

    @Test
    void setSignedWithAKeyPublishedAfterTheLastFetchThenNotReportedInSetErrsButAppliedOnceTheKeyIsFetched() throws Exception {
        Clock clock = Clock.systemUTC();
        transmitter(clock);
        GuardTokenVerifier guard = guard(config(clock).jwksRefetchInterval(Duration.ofSeconds(1)).build());
        assertThrows(InvalidTokenException.class, () -> guard.verify(token(clock, TestKey.rsa("bogus")).sign()));
        // The issuer starts signing with a key the guard has not fetched, while its refetch budget is spent:
        // reported in setErrs the event would count as delivered (RFC 8936 §2.4) and be lost.
        TestKey third = TestKey.rsa("sig-3");
        transmitter.publish(third, KEY, OTHER_KEY);
        transmitter.accessTokenRevoked("late-key-1", transmitter.nowSeconds() + 300);
        awaitApplied(guard, 1);
        assertTrue(transmitter.setErrs.isEmpty(), "reported: " + transmitter.setErrs);
        refused(guard, token(clock, KEY).claim("jti", "late-key-1").sign());
    }

    @Test
    void newStreamWhenCatchUpTakesSeveralPollsThenFreshOnlyOnceCaughtUp() throws Exception {
        Clock clock = Clock.systemUTC();
        transmitter(clock);
        for (int i = 0; i < 30; i++) {
            transmitter.accessTokenRevoked("backlog-" + i, transmitter.nowSeconds() + 300);
        }
        transmitter.batch(10);
        transmitter.answerDelay(Duration.ofMillis(300));
        GuardTokenVerifier guard = GuardTokenVerifier.create(config(clock).eventsWhenStale(WhenStale.FAIL_CLOSED).build());
        closing.add(0, guard);
        String valid = token(clock, KEY).sign();
        String lastRevoked = token(clock, KEY).claim("jti", "backlog-29").sign();
        await("fresh", () -> {
            try {
                guard.verify(valid);
                return true;
            } catch (InvalidTokenException | VerificationUnavailableException e) {
                return false;
            }
        });
        // Serving again means the guard knows every revocation the transmitter still had, not only the first batch.
        assertEquals(30, guard.denyList().size());
        refused(guard, lastRevoked);
    }

    @Test
    void cachedTokenRevokedThenRefusedWithinOnePoll() throws Exception {
        Clock clock = Clock.systemUTC();
        transmitter(clock);
        transmitter.hold(Duration.ofSeconds(5)); // the poll is held open when the event is raised
        GuardTokenVerifier guard = guard(config(clock).build());
        String token = token(clock, KEY).claim("jti", "cached-1").sign();
        for (int i = 0; i < 3; i++) {
            guard.verify(token); // cached
        }
        Thread.sleep(100); // let the held poll open
        int pollsBefore = transmitter.polls.get();
        long start = System.nanoTime();
        transmitter.accessTokenRevoked("cached-1", transmitter.nowSeconds() + 300);
        await("refused", () -> {
            try {
                guard.verify(token);
                return false;
            } catch (InvalidTokenException e) {
                return true;
            } catch (VerificationUnavailableException e) {
                return false;
            }
        });
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(transmitter.polls.get() - pollsBefore <= 2, "the held poll answered it (with at most its successor open)");
        assertTrue(millis < 2000, "refused within " + millis + " ms (the held poll answers at once; generous for a loaded machine)");
    }

    @Test
    void badSetsAreNotAppliedAndAreReportedInSetErrs() throws Exception {
        Clock clock = Clock.systemUTC();
        transmitter(clock);
        GuardTokenVerifier guard = guard(config(clock).build());
        TestKey forger = TestKey.rsa("sig-1"); // same kid, other key
        long exp = transmitter.nowSeconds() + 300;
        Map<String, Object> bob = Map.of("format", "iss_sub", "iss", transmitter.url(), "sub", "bob");
        String wrongSignature = transmitter.raiseBent(EventTypes.ACCOUNT_DISABLED, bob, exp - 300, exp, h -> { }, c -> { },
                forger);
        String wrongAudience = transmitter.raiseBent(EventTypes.ACCOUNT_DISABLED, bob, exp - 300, exp, h -> { },
                c -> c.put("aud", "someone-else"), null);
        String twoEvents = transmitter.raiseBent(EventTypes.ACCOUNT_DISABLED, bob, exp - 300, exp, h -> { },
                c -> c.put("events", Map.of(EventTypes.ACCOUNT_DISABLED, Map.of("event_timestamp", exp, "tokens_expire_by", exp),
                        EventTypes.ACCOUNT_PURGED, Map.of("event_timestamp", exp, "tokens_expire_by", exp))), null);
        String wrongTyp = transmitter.raiseBent(EventTypes.ACCOUNT_DISABLED, bob, exp - 300, exp,
                h -> h.put("typ", "JWT"), c -> { }, null);
        String wrongIssuer = transmitter.raiseBent(EventTypes.ACCOUNT_DISABLED, bob, exp - 300, exp, h -> { },
                c -> c.put("iss", "https://elsewhere.example"), null);
        await("all reported", () -> transmitter.setErrs.size() == 5);
        assertEquals("authentication_failed", transmitter.setErrs.get(wrongSignature));
        assertEquals("invalid_audience", transmitter.setErrs.get(wrongAudience));
        assertEquals("invalid_request", transmitter.setErrs.get(twoEvents));
        assertEquals("invalid_request", transmitter.setErrs.get(wrongTyp));
        assertEquals("invalid_issuer", transmitter.setErrs.get(wrongIssuer));
        assertEquals(0, guard.denyList().size());
        assertEquals("bob", guard.verify(token(clock, KEY).claim("sub", "bob").sign()).subject());
        assertFalse(guard.eventFreshness().stale(), "refused SETs do not make the guard stale");
    }

    @Test
    void unknownEventTypeIsAcknowledgedAndIgnored() throws Exception {
        Clock clock = Clock.systemUTC();
        transmitter(clock);
        GuardTokenVerifier guard = guard(config(clock).build());
        transmitter.raise("https://schemas.openid.net/secevent/caep/event-type/credential-change",
                Map.of("format", "iss_sub", "iss", transmitter.url(), "sub", "alice"), 0, transmitter.nowSeconds() + 60);
        String after = transmitter.accessTokenRevoked("x", transmitter.nowSeconds() + 60);
        awaitApplied(guard, 1);
        assertTrue(transmitter.setErrs.isEmpty());
        assertDoesNotThrow(() -> guard.verify(token(clock, KEY).sign()));
        assertNotNull(after);
    }

    @ParameterizedTest
    @ValueSource(strings = {"500", "stopped", "hangs"})
    void streamBrokenWhenFailClosedThen503PastMaxStalenessAndRecoveryByItself(String fault) throws Exception {
        Clock clock = Clock.systemUTC();
        transmitter(clock);
        transmitter.hold(Duration.ofMillis(200));
        GuardTokenVerifier guard = guard(config(clock).eventsMaxStaleness(Duration.ofSeconds(3))
                .eventsWhenStale(WhenStale.FAIL_CLOSED).build());
        String token = token(clock, KEY).sign();
        assertDoesNotThrow(() -> guard.verify(token));
        breakStream(fault);
        await("stale", () -> guard.eventFreshness().stale());
        VerificationUnavailableException e = assertThrows(VerificationUnavailableException.class, () -> guard.verify(token));
        assertTrue(e.getMessage().contains("stale"), e.getMessage());
        repairStream(fault);
        await("fresh again", () -> !guard.eventFreshness().stale());
        assertDoesNotThrow(() -> guard.verify(token));
    }

    @Test
    void staleWhenTheInjectedClockPassesMaxStalenessWithoutAnAnswerThenFailClosedUntilTheStreamAnswers() throws Exception {
        MutableClock clock = MutableClock.atFixedStart();
        transmitter(clock);
        GuardTokenVerifier guard = guard(config(clock).eventsWhenStale(WhenStale.FAIL_CLOSED).build());
        String token = token(clock, KEY).sign();
        assertDoesNotThrow(() -> guard.verify(token));
        transmitter.failWith(503);
        int before = transmitter.ssfRequests.get();
        await("a poll failed", () -> transmitter.ssfRequests.get() > before + 1);
        clock.advance(Duration.ofSeconds(29));
        assertDoesNotThrow(() -> guard.verify(token), "within max-staleness (30 s)");
        clock.advance(Duration.ofSeconds(2));
        assertTrue(guard.eventFreshness().stale());
        assertThrows(VerificationUnavailableException.class, () -> guard.verify(token));
        transmitter.failWith(0);
        await("fresh again", () -> !guard.eventFreshness().stale());
        assertDoesNotThrow(() -> guard.verify(token));
    }

    @Test
    void streamBrokenWhenFailOpenThenAcceptedWithTheDenyListStillApplied() throws Exception {
        Clock clock = Clock.systemUTC();
        transmitter(clock);
        transmitter.hold(Duration.ofMillis(200));
        List<Duration> staleSeen = new java.util.concurrent.CopyOnWriteArrayList<>();
        GuardTokenVerifier guard = guard(config(clock).eventsMaxStaleness(Duration.ofSeconds(3))
                .listener(new dev.identityservice.guard.GuardListener() {
                    @Override
                    public void eventStreamStale(Duration sinceContact) {
                        staleSeen.add(sinceContact);
                    }
                }).build());
        String revoked = token(clock, KEY).claim("jti", "gone").sign();
        transmitter.accessTokenRevoked("gone", transmitter.nowSeconds() + 300);
        awaitApplied(guard, 1);
        int pollsBefore = transmitter.ssfRequests.get();
        long brokenAt = System.nanoTime();
        breakStream("500");
        await("stale", () -> guard.eventFreshness().stale());
        assertDoesNotThrow(() -> guard.verify(token(clock, KEY).sign()));
        refused(guard, revoked);
        Thread.sleep(1000);
        long outageMillis = (System.nanoTime() - brokenAt) / 1_000_000;
        int failedPolls = transmitter.ssfRequests.get() - pollsBefore;
        assertTrue(failedPolls >= 2, "it keeps trying: " + failedPolls);
        // Backing off (100 ms doubling, at most 1 s here): a handful of polls, not one per few milliseconds.
        assertTrue(failedPolls <= 4 + outageMillis / 500, failedPolls + " polls in " + outageMillis + " ms");
        assertFalse(staleSeen.isEmpty());
        assertNotNull(guard.eventFreshness().lastProblem());
        repairStream("500");
        await("fresh again", () -> !guard.eventFreshness().stale());
    }

    @Test
    void streamBrokenWhenIntrospectThenTheIssuerDecidesEachToken() throws Exception {
        Clock clock = Clock.systemUTC();
        transmitter(clock);
        transmitter.hold(Duration.ofMillis(200));
        GuardTokenVerifier guard = guard(config(clock).eventsMaxStaleness(Duration.ofSeconds(3))
                .introspectionClient("guard-client", "guard-secret")
                .eventsWhenStale(WhenStale.INTROSPECT).build());
        String active = token(clock, KEY).sign();
        String inactive = token(clock, KEY).claim("sub", "bob").sign();
        assertDoesNotThrow(() -> guard.verify(inactive)); // cached while fresh
        long exp = transmitter.nowSeconds() + 300;
        transmitter.introspectionAnswer(active, "{\"active\":true,\"iss\":\"" + transmitter.url() + "\",\"sub\":\"alice\","
                + "\"aud\":\"" + AUDIENCE + "\",\"exp\":" + exp + ",\"client_id\":\"web-app\"}");
        breakStream("500");
        await("stale", () -> guard.eventFreshness().stale());
        assertEquals("alice", guard.verify(active).subject());
        assertThrows(InvalidTokenException.class, () -> guard.verify(inactive), "the cache is bypassed while stale");
        assertTrue(transmitter.introspections.get() >= 2);
        repairStream("500");
        await("fresh again", () -> !guard.eventFreshness().stale());
        assertDoesNotThrow(() -> guard.verify(inactive));
    }

    @Test
    void whenStreamLostThenItIsCreatedAnewAndEventsStillArrive() throws Exception {
        Clock clock = Clock.systemUTC();
        transmitter(clock);
        GuardTokenVerifier guard = guard(config(clock).build());
        transmitter.loseStreams();
        String token = token(clock, KEY).claim("jti", "after-loss").sign();
        transmitter.accessTokenRevoked("after-loss", transmitter.nowSeconds() + 300);
        awaitApplied(guard, 1);
        refused(guard, token);
        assertEquals(2, transmitter.streamsCreated.get(), "created anew after the 404");
    }

    @Test
    void restartedReceiverCatchesUpOnEventsRaisedWhileItWasDown() throws Exception {
        Clock clock = Clock.systemUTC();
        transmitter(clock);
        GuardConfig config = config(clock).eventsWhenStale(WhenStale.FAIL_CLOSED).build();
        GuardTokenVerifier first = guard(config);
        String token = token(clock, KEY).claim("jti", "while-down").sign();
        first.close();
        await("stream deleted on close", () -> transmitter.streamsDeleted.get() == 1);
        transmitter.accessTokenRevoked("while-down", transmitter.nowSeconds() + 300);
        GuardTokenVerifier second = guard(config);
        refused(second, token);
    }

    @Test
    void denyListFullThenStaleAndTheUnstoredEventIsNotAcknowledged() throws Exception {
        Clock clock = Clock.systemUTC();
        transmitter(clock);
        GuardTokenVerifier guard = guard(config(clock).eventsMaxEntries(2).eventsWhenStale(WhenStale.FAIL_CLOSED).build());
        long exp = transmitter.nowSeconds() + 300;
        transmitter.accessTokenRevoked("a", exp);
        transmitter.accessTokenRevoked("b", exp);
        transmitter.accessTokenRevoked("c", exp);
        await("stale because full", () -> guard.eventFreshness().stale() && guard.eventFreshness().denyListFull());
        assertEquals(2, guard.denyList().size());
        assertThrows(VerificationUnavailableException.class, () -> guard.verify(token(clock, KEY).sign()));
    }

    @Test
    void setIssuedAheadOfTheGuardsClockThenLeftForLaterNotReportedAndAppliedOnceTheClocksAgree() throws Exception {
        // The issuer's clock runs two minutes ahead of the guard's (beyond the 60 s skew): the SET's iat is "in the
        // future". Reported in setErrs it would count as delivered and the revocation would be lost for good.
        MutableClock server = MutableClock.atFixedStart();
        MutableClock guardClock = new MutableClock(server.instant().minus(Duration.ofMinutes(2)));
        transmitter(server);
        GuardTokenVerifier guard = guard(config(guardClock).build());
        String revoked = token(server, KEY).claim("jti", "jti-ahead").sign();
        transmitter.accessTokenRevoked("jti-ahead", transmitter.nowSeconds() + 600);
        int polls = transmitter.polls.get();
        await("polled a few times", () -> transmitter.polls.get() >= polls + 3);
        assertTrue(transmitter.setErrs.isEmpty(), "not reported, so that it comes again: " + transmitter.setErrs);
        assertTrue(guard.eventFreshness().lastProblem().contains("ahead of the guard's clock"), guard.eventFreshness().toString());
        guardClock.advance(Duration.ofMinutes(2));
        awaitApplied(guard, 1);
        refused(guard, revoked);
    }

    @Test
    void entriesAreDroppedAtTokensExpireByPlusTheClockSkew() throws Exception {
        MutableClock clock = MutableClock.atFixedStart();
        transmitter(clock);
        GuardTokenVerifier guard = guard(config(clock).clockSkew(Duration.ofSeconds(10)).build());
        String token = token(clock, KEY).claim("jti", "short").expiresIn(clock, Duration.ofSeconds(60)).sign();
        transmitter.accessTokenRevoked("short", transmitter.nowSeconds() + 60);
        awaitApplied(guard, 1);
        clock.advance(Duration.ofSeconds(65));
        refused(guard, token); // within exp + skew the token would still pass: the entry is still there
        assertEquals(1, guard.denyList().size());
        clock.advance(Duration.ofSeconds(6));
        await("pruned", () -> guard.denyList().size() == 0);
        assertThrows(InvalidTokenException.class, () -> guard.verify(token), "expired anyway");
    }

    @Test
    void tokenIsRenewedBeforeItExpires() throws Exception {
        Clock clock = Clock.systemUTC();
        transmitter(clock);
        transmitter.tokenLifetimeSeconds(2);
        guard(config(clock).build());
        await("renewed", () -> transmitter.tokensIssued.get() >= 2);
    }

    @Test
    void pollEndpointOnAnotherOriginWhenStreamCreatedThenRefusedAndTheTokenNeverSentThere() throws Exception {
        Clock clock = Clock.systemUTC();
        transmitter(clock);
        try (FakeTransmitter elsewhere = FakeTransmitter.start(clock, KEY)) {
            transmitter.pollEndpointBase(elsewhere.url());
            GuardTokenVerifier guard = GuardTokenVerifier.create(config(clock).build());
            closing.add(0, guard);
            await("refused", () -> String.valueOf(guard.eventFreshness().lastProblem()).contains("origin"));
            assertTrue(guard.eventFreshness().stale());
            assertEquals(0, elsewhere.ssfRequests.get());
        }
    }

    @Test
    void withoutEventsSettingsThereIsNoReceiver() throws Exception {
        Clock clock = Clock.systemUTC();
        transmitter(clock);
        GuardTokenVerifier guard = GuardTokenVerifier.create(GuardConfig.builder().issuer(transmitter.url())
                .audience(AUDIENCE).build());
        closing.add(0, guard);
        assertEquals(null, guard.eventFreshness());
        assertDoesNotThrow(() -> guard.verify(token(clock, KEY).sign()));
        assertEquals(0, transmitter.streamsCreated.get());
    }

    private void breakStream(String fault) {
        switch (fault) {
            case "500" -> transmitter.failWith(500);
            case "stopped" -> transmitter.stop();
            default -> transmitter.hang();
        }
    }

    private void repairStream(String fault) {
        switch (fault) {
            case "500" -> transmitter.failWith(0);
            case "stopped" -> transmitter.restart();
            default -> transmitter.stopHanging();
        }
    }
}
