package dev.identityservice.guard.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.guard.VerifiedToken;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DenyListTest {

    static VerifiedToken token(String jti, String sub, String sid, String clientId, Object iat) {
        Map<String, Object> claims = new HashMap<>();
        claims.put("jti", jti);
        claims.put("sub", sub);
        claims.put("sid", sid);
        claims.put("iat", iat);
        return new VerifiedToken(sub, "https://id.example.com", List.of("api"), clientId, Instant.ofEpochSecond(2_000),
                Set.of(), Set.of(), claims);
    }

    @Test
    void deniesWhenEachKindNamesTheTokenThenOnlyTokensIssuedBeforeTheCutOffForCuts() {
        DenyList deny = new DenyList(10);
        assertTrue(deny.denyJti("j1", 5_000_000));
        assertTrue(deny.denySubject("alice", 1_000, 5_000_000));
        assertTrue(deny.denySession("s1", 1_000, 5_000_000));
        assertTrue(deny.denyClient("c1", 1_000, 5_000_000));
        assertTrue(deny.denyKey("k1", 5_000_000));
        assertTrue(deny.denies(token("j1", "bob", "s9", "c9", 1_500L), null));
        assertTrue(deny.denies(token("j2", "alice", "s9", "c9", 999L), null));
        assertFalse(deny.denies(token("j2", "alice", "s9", "c9", 1_000L), null), "issued at the cut-off");
        assertTrue(deny.denies(token("j2", "bob", "s1", "c9", 999.5), null));
        assertTrue(deny.denies(token("j2", "bob", "s9", "c1", 999L), null));
        assertTrue(deny.denies(token("j2", "bob", "s9", "c9", 1_500L), "k1"));
        assertFalse(deny.denies(token("j2", "bob", "s9", "c9", 1L), "k2"));
        assertTrue(deny.denies(token("j2", "alice", "s9", "c9", null), null), "no iat: nothing shows it came after");
    }

    @Test
    void addWhenFullThenRefusedAndOverflowedUntilPruneMakesRoom() {
        DenyList deny = new DenyList(2);
        long generation = deny.generation();
        assertTrue(deny.denyJti("a", 1_000));
        assertNotEquals(generation, deny.generation());
        assertTrue(deny.denyJti("b", 2_000));
        assertTrue(deny.denyJti("a", 3_000), "an existing entry is merged, not added");
        assertFalse(deny.denyJti("c", 3_000));
        assertTrue(deny.overflowed());
        assertEquals(2, deny.size());
        deny.prune(2_000);
        assertEquals(1, deny.size(), "b dropped at its keep-until; a was extended to 3000");
        assertFalse(deny.overflowed());
        assertTrue(deny.denyJti("c", 3_000));
        deny.prune(3_000);
        assertEquals(0, deny.size());
    }

    @Test
    void addWhenTheSameEventComesAgainThenTheGenerationStaysSoCachedTokensAreNotRechecked() {
        DenyList deny = new DenyList(5);
        deny.denyJti("j", 1_000);
        deny.denySession("s", 10, 1_000);
        long generation = deny.generation();
        assertTrue(deny.denyJti("j", 1_000));
        assertTrue(deny.denySession("s", 10, 1_000));
        assertEquals(generation, deny.generation());
        deny.denySession("s", 11, 1_000);
        assertNotEquals(generation, deny.generation(), "a later cut-off denies more tokens");
    }

    @Test
    void cutWhenMergedThenTheLaterCutOffAndKeepUntilWin() {
        DenyList deny = new DenyList(5);
        deny.denySubject("alice", 2_000, 10_000);
        deny.denySubject("alice", 1_000, 20_000);
        assertTrue(deny.denies(token("x", "alice", null, "", 1_999L), null));
        deny.prune(15_000);
        assertEquals(1, deny.size());
    }
}
