package dev.identityservice.server.observability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The server's logging before and without {@code log.*} settings, set up in code: text lines on standard error at
 * INFO and above, {@code 2026-01-31T12:00:00.000Z INFO  [thread] logger - message}, with {@code java.util.logging}
 * levels kept equal to Logback's (Jersey and HK2 log there; {@link LogSetup} bridges it). {@link LogSetup} then
 * applies {@code log.level}, {@code log.levels} and {@code log.format}.
 *
 * <p>Why in code: Logback finds this class through {@code META-INF/services} before it looks for an XML file, and
 * reading the same settings from a {@code logback.xml} loaded the JDK's XML parser and Logback's configuration
 * model (about 600 classes) and took 0.1-0.5 s of every start (BENCHMARKS.md, issue 13).
 *
 * <p>An XML configuration still wins when there is one: {@code -Dlogback.configurationFile}, or a
 * {@code logback-test.xml} or {@code logback.xml} on the class path (tests, or an application embedding the
 * server); then this does nothing and Logback reads that file as usual.
 */
public final class DefaultLogging extends ContextAwareBase implements Configurator {

    /** The line format: ISO-8601 timestamp in UTC, level, thread, logger, message. */
    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX,UTC} %-5level [%thread] %logger - %msg%n";

    /** The key under which {@link #apply} marks a Logback context it configured. */
    private static final String CONFIGURED = DefaultLogging.class.getName();

    /** Logback's system property naming a configuration file. */
    static final String CONFIGURATION_FILE_PROPERTY = "logback.configurationFile";

    /** Public, without arguments: Logback instantiates it through {@link java.util.ServiceLoader}. */
    public DefaultLogging() {
    }

    /**
     * Configures {@code context} unless an XML configuration is given (see the class).
     *
     * @return {@link ExecutionStatus#DO_NOT_INVOKE_NEXT_IF_ANY} when it configured, so that Logback looks no further;
     *         {@link ExecutionStatus#INVOKE_NEXT_IF_ANY} when it left the configuration to Logback's XML reader
     */
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (xmlConfigurationGiven()) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        apply(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Gives {@code context} the server's default configuration (see the class), whatever else is on the class path. */
    static void apply(LoggerContext context) {
        LevelChangePropagator julLevels = new LevelChangePropagator();
        julLevels.setContext(context);
        julLevels.setResetJUL(true);
        julLevels.start();
        context.addListener(julLevels);

        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName(LogSetup.CONSOLE);
        console.setTarget("System.err");
        console.setEncoder(textEncoder(context));
        console.start();

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(console);
        context.putObject(CONFIGURED, Boolean.TRUE);
    }

    /** Whether {@code context} has this default configuration, not one of an XML file (a reset forgets it). */
    static boolean configured(LoggerContext context) {
        return context.getObject(CONFIGURED) != null;
    }

    /** A started encoder of the text line format ({@link #PATTERN}). */
    static PatternLayoutEncoder textEncoder(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        return encoder;
    }

    private static boolean xmlConfigurationGiven() {
        if (System.getProperty(CONFIGURATION_FILE_PROPERTY) != null) {
            return true;
        }
        ClassLoader loader = DefaultLogging.class.getClassLoader();
        return loader.getResource("logback-test.xml") != null || loader.getResource("logback.xml") != null;
    }
}
