package dev.identityservice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.event.SecurityEventSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code security-events.*} settings: defaults, flags and environment variables, and refusals naming the key. */
class SecurityEventsConfigTest {

    @Test
    void loadWhenUnsetThenDefaults() {
        SecurityEventSettings settings = ConfigLoader.load(CommandLine.parse(), name -> null).securityEvents();
        assertEquals(SecurityEventSettings.DEFAULTS, settings);
        assertEquals(Duration.ofSeconds(10), settings.pollMaxWait());
    }

    @Test
    void loadWhenFlagsAndEnvironmentGivenThenConfigured() {
        Map<String, String> environment = Map.of("IDENTITY_SECURITY_EVENTS_RETENTION", "3d",
                "IDENTITY_SECURITY_EVENTS_MAX_STREAMS_PER_CLIENT", "4");
        SecurityEventSettings settings = ConfigLoader.load(CommandLine.parse("--security-events-poll-max-wait", "5s",
                "--security-events-stream-idle-expiry", "1h"), environment::get).securityEvents();
        assertEquals(new SecurityEventSettings(Duration.ofDays(3), Duration.ofSeconds(5), Duration.ofHours(1), 4), settings);
    }

    @Test
    void loadWhenRetentionShorterThanLongestAccessTokenThenRefusedNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigLoader.load(CommandLine.parse("--security-events-retention", "12h"), name -> null));
        assertTrue(e.getMessage().contains("security-events.retention"), e.getMessage());
    }

    @Test
    void loadWhenMaxWaitNotBelowHalfTheIdleTimeoutThenHalfIsUsedAndOutOfRangeRefused() {
        ServerConfig config = ConfigLoader.load(CommandLine.parse("--security-events-poll-max-wait", "20s"), name -> null);
        assertEquals(Duration.ofSeconds(15), config.effectivePollMaxWait(), "half the 30 s idle timeout");
        assertEquals(Duration.ofSeconds(10), ConfigLoader.load(CommandLine.parse(), name -> null).effectivePollMaxWait());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigLoader.load(CommandLine.parse("--security-events-poll-max-wait", "6m"), name -> null));
        assertTrue(e.getMessage().contains("security-events.poll.max-wait"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> ConfigLoader.load(CommandLine.parse("--security-events-max-streams-per-client", "0"), name -> null));
    }
}
