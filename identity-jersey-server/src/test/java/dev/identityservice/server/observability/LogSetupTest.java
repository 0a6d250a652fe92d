package dev.identityservice.server.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.identityservice.server.testing.CapturedLog;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LogSetup} on the real Logback: the JSON layout, levels per package, and the packaged text format. Each
 * test restores the test configuration ({@code logback-test.xml}) afterwards.
 */
class LogSetupTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @AfterEach
    void restoreTestConfiguration() throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        new ContextInitializer(context).autoConfig();
    }

    @Test
    void applyWhenJsonThenEveryLineIsOneJsonObjectWithTimestampLevelLoggerAndMessage() throws Exception {
        LogSetup.apply(new LogSettings("INFO", Map.of(), LogSettings.Format.JSON));
        Logger logger = LoggerFactory.getLogger("dev.identityservice.test.json");

        List<String> lines;
        try (CapturedLog log = new CapturedLog()) {
            logger.info("listening on {} with \"quotes\"", "port 1234");
            logger.warn("second line", new IllegalStateException("boom"));
            lines = log.lines();
        }

        assertEquals(2, lines.size(), String.join("\n", lines));
        JsonNode first = JSON.readTree(lines.get(0));
        assertTrue(first.get("timestamp").isNumber(), lines.get(0));
        assertTrue(Math.abs(first.get("timestamp").asLong() - System.currentTimeMillis()) < 60_000, lines.get(0));
        assertEquals("INFO", first.get("level").asText());
        assertEquals("dev.identityservice.test.json", first.get("loggerName").asText());
        assertEquals("listening on port 1234 with \"quotes\"", first.get("formattedMessage").asText());
        JsonNode second = JSON.readTree(lines.get(1));
        assertEquals("WARN", second.get("level").asText());
        assertTrue(second.get("throwable").toString().contains("boom"), lines.get(1));
    }

    @Test
    void applyWhenLevelPerPackageThenItsLoggersFollowItAndTheRestTheRootLevel() {
        LogSetup.apply(new LogSettings("WARN", Map.of("dev.identityservice.audit", "DEBUG"), LogSettings.Format.TEXT));

        assertTrue(LoggerFactory.getLogger("dev.identityservice.audit").isDebugEnabled());
        assertTrue(LoggerFactory.getLogger("dev.identityservice.audit.sub").isDebugEnabled());
        assertFalse(LoggerFactory.getLogger("dev.identityservice.server.IdentityServer").isInfoEnabled());
        assertTrue(LoggerFactory.getLogger("org.eclipse.jetty.server.Server").isWarnEnabled());
    }

    /**
     * Over the default configuration the access log has a buffered appender of its own (BatchedConsoleAppender, whose
     * buffering its own test shows), writing the text format of the other lines; {@link LogSetup#stop} (the shutdown
     * hook's last step) writes what it holds.
     */
    @Test
    void applyWhenDefaultConfigurationThenAccessLinesBatchedInTheSameTextFormatAndWrittenAtStop() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        DefaultLogging.apply(context);
        LogSetup.apply(new LogSettings("INFO", Map.of(), LogSettings.Format.TEXT));
        ch.qos.logback.classic.Logger access = context.getLogger(AccessLog.LOGGER_NAME);

        assertTrue(access.getAppender(LogSetup.ACCESS_CONSOLE) instanceof BatchedConsoleAppender, "its own appender");
        assertFalse(access.isAdditive(), "not also through the root's");
        List<String> lines;
        try (CapturedLog log = new CapturedLog()) {
            access.info("127.0.0.1 - \"GET /oauth2/jwks HTTP/1.1\" 200 914 0ms");
            LogSetup.stop();
            lines = log.lines();
        }

        assertEquals(1, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  \\[[^]]+] identity\\.access - 127\\.0\\.0\\.1 .*"),
                lines.get(0));
    }

    /** An XML configuration (here the tests' logback-test.xml) keeps the access log where it says: no appender of ours. */
    @Test
    void applyWhenXmlConfigurationThenTheAccessLogIsLeftToIt() {
        LogSetup.apply(new LogSettings("INFO", Map.of(), LogSettings.Format.TEXT));

        ch.qos.logback.classic.Logger access = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(AccessLog.LOGGER_NAME);
        assertTrue(access.getAppender(LogSetup.ACCESS_CONSOLE) == null, "no appender of ours");
        assertTrue(access.isAdditive(), "its lines go where the XML sends the root's");
    }

    /** The default configuration (what the server uses outside tests): ISO-8601 UTC timestamp, level, thread, logger. */
    @Test
    void defaultConfigurationWhenLoggingThenTimestampedTextLine() throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        DefaultLogging.apply(context);

        List<String> lines;
        try (CapturedLog log = new CapturedLog()) {
            context.getLogger("dev.identityservice.test.text").info("hello");
            context.getLogger("dev.identityservice.test.text").debug("not at INFO");
            lines = log.lines();
        } finally {
            context.stop();
        }

        assertEquals(1, lines.size(), String.join("\n", lines));
        assertEquals(java.util.logging.Level.INFO, java.util.logging.Logger.getLogger("").getLevel(), "java.util.logging follows Logback's root level");
        assertTrue(lines.get(0).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  \\[[^]]+] dev\\.identityservice\\.test\\.text - hello"),
                lines.get(0));
    }

    /**
     * Logback finds {@link DefaultLogging} as a service before any XML file; an XML configuration on the class path
     * (here the tests' logback-test.xml) or named by -Dlogback.configurationFile must still win.
     */
    @Test
    void defaultLoggingWhenXmlConfigurationOnTheClassPathThenLeavesItToLogback() {
        LoggerContext context = new LoggerContext();
        DefaultLogging configurator = new DefaultLogging();
        configurator.setContext(context);

        assertEquals(ch.qos.logback.classic.spi.Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY, configurator.configure(context));
        assertTrue(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender(LogSetup.CONSOLE) == null,
                "nothing configured");
        assertEquals(List.of(DefaultLogging.class.getName()), serviceEntries(), "registered for Logback's ServiceLoader");
    }

    /** The tests' own logging is logback-test.xml (WARN): the server's default did not replace it. */
    @Test
    void autoConfigurationWhenTestsRunThenTheirXmlConfigurationIsUsed() {
        assertFalse(LoggerFactory.getLogger("dev.identityservice.test.auto").isInfoEnabled());
        assertTrue(LoggerFactory.getLogger("dev.identityservice.test.auto").isWarnEnabled());
    }

    private static List<String> serviceEntries() {
        try (java.io.InputStream in = DefaultLogging.class.getResourceAsStream("/META-INF/services/" + ch.qos.logback.classic.spi.Configurator.class.getName())) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void settingsWhenBadLevelOrPairThenErrorNamesTheSetting() {
        IllegalArgumentException level = assertThrows(IllegalArgumentException.class,
                () -> new LogSettings("LOUD", Map.of(), LogSettings.Format.TEXT));
        IllegalArgumentException pair = assertThrows(IllegalArgumentException.class, () -> LogSettings.parseLevels("org.eclipse.jetty"));
        IllegalArgumentException format = assertThrows(IllegalArgumentException.class, () -> LogSettings.Format.parse("xml"));

        assertTrue(level.getMessage().startsWith("log.level:"), level.getMessage());
        assertTrue(pair.getMessage().startsWith("log.levels:"), pair.getMessage());
        assertTrue(format.getMessage().contains("xml"), format.getMessage());
        assertEquals(Map.of("a.b", "debug", "c", "WARN"), LogSettings.parseLevels(" a.b=debug, c=WARN ,"));
        assertEquals("a.b=DEBUG", new LogSettings("info", LogSettings.parseLevels("a.b=debug"), LogSettings.Format.TEXT).describeLevels());
    }
}
