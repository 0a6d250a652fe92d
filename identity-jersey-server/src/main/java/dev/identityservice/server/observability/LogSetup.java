package dev.identityservice.server.observability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Applies {@link LogSettings} to Logback, the server's SLF4J backend, once at start, before the first line that
 * matters. The default configuration ({@link DefaultLogging}) is the text format at INFO on standard error; this changes the levels
 * and, for {@code json}, swaps the console encoder for Logback's {@link JsonEncoder} (one object per line with
 * {@code timestamp} in epoch milliseconds, {@code level}, {@code loggerName}, {@code threadName}, {@code mdc}
 * and {@code formattedMessage}; a throwable as {@code throwable}). No other JSON library, no logstash encoder.
 *
 * <p>It also routes {@code java.util.logging} (Jersey, HK2) to SLF4J. Called from {@code main} only: tests and
 * embedders keep their own logging configuration.
 */
public final class LogSetup {

    /** The name of the console appender of the default configuration ({@link DefaultLogging}). */
    static final String CONSOLE = "CONSOLE";
    /** The name of the access log's own appender ({@link BatchedConsoleAppender}). */
    static final String ACCESS_CONSOLE = "ACCESS_CONSOLE";

    private LogSetup() {
    }

    /**
     * Applies {@code settings}; does nothing (and says so on standard error) when SLF4J is bound to another
     * backend, since an embedder's logging is theirs.
     */
    public static void apply(LogSettings settings) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            System.err.println("log.* settings ignored: SLF4J is bound to " + factory.getClass().getName() + ", not Logback");
            return;
        }
        // Jersey and HK2 log through java.util.logging: one backend, one format (the propagator of the default
        // configuration keeps the JUL levels equal to Logback's, so a disabled JUL line costs nothing).
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(settings.level()));
        settings.levels().forEach((name, level) -> context.getLogger(name).setLevel(Level.toLevel(level)));
        if (settings.format() == LogSettings.Format.JSON) {
            root.detachAndStopAllAppenders();
            root.addAppender(console(context, jsonEncoder(context)));
        }
        // Only over the default configuration: an XML file of the operator's says where the access log goes.
        if (DefaultLogging.configured(context)) {
            batchAccessLog(context, settings.format());
        }
    }

    /**
     * Stops Logback, which writes what the access log's buffer holds ({@link BatchedConsoleAppender}); for the end
     * of the shutdown hook, after Jetty has stopped. Nothing is logged after it.
     */
    public static void stop() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.stop();
        }
    }

    /**
     * The access log ({@value AccessLog#LOGGER_NAME}, a line per request) through a {@link BatchedConsoleAppender} of its
     * own, in the same format as the other lines and to the same stream, instead of the root's console appender.
     */
    private static void batchAccessLog(LoggerContext context, LogSettings.Format format) {
        BatchedConsoleAppender appender = new BatchedConsoleAppender();
        appender.setContext(context);
        appender.setName(ACCESS_CONSOLE);
        appender.setEncoder(format == LogSettings.Format.JSON ? jsonEncoder(context) : DefaultLogging.textEncoder(context));
        appender.start();
        Logger access = context.getLogger(AccessLog.LOGGER_NAME);
        access.detachAndStopAllAppenders();
        access.addAppender(appender);
        access.setAdditive(false);
    }

    private static JsonEncoder jsonEncoder(LoggerContext context) {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        // The formatted message only: the raw template and its arguments would say everything twice.
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithFormattedMessage(true);
        encoder.setWithContext(false);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.start();
        return encoder;
    }

    private static ConsoleAppender<ILoggingEvent> console(LoggerContext context, ch.qos.logback.core.encoder.Encoder<ILoggingEvent> encoder) {
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName(CONSOLE);
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        return appender;
    }
}
