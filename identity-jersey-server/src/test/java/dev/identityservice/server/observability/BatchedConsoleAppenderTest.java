package dev.identityservice.server.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link BatchedConsoleAppender} on a real Logback context, writing to a stream that records each write it receives. */
class BatchedConsoleAppenderTest {

    private final LoggerContext context = new LoggerContext();
    private final RecordingStream sink = new RecordingStream();

    BatchedConsoleAppenderTest() {
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
    }

    @AfterEach
    void stopContext() {
        context.stop();
    }

    @Test
    void appendWhenFewLinesThenNothingWrittenUntilFlushThenOneWriteOfWholeLines() {
        BatchedConsoleAppender appender = started(Duration.ofHours(1));
        ch.qos.logback.classic.Logger logger = loggerTo(appender);

        logger.info("first");
        logger.info("second");
        logger.info("third");
        assertEquals(List.of(), sink.writes, "held in the buffer");
        appender.flush();

        assertEquals(List.of("first\nsecond\nthird\n"), sink.writes);
    }

    @Test
    void appendWhenManyLinesThenOneWritePerBufferFullEachOfWholeLinesInOrder() {
        BatchedConsoleAppender appender = started(Duration.ofHours(1));
        ch.qos.logback.classic.Logger logger = loggerTo(appender);
        StringBuilder expected = new StringBuilder();

        for (int i = 0; i < 2_000; i++) {
            String line = "127.0.0.1 - [03/Dec/2026:18:13:54 +0000] \"GET /oauth2/jwks HTTP/1.1\" 200 914 0ms #" + i;
            logger.info(line);
            expected.append(line).append('\n');
        }
        appender.stop();

        int bytes = expected.length();
        assertEquals(expected.toString(), String.join("", sink.writes), "every line, in order");
        assertTrue(sink.writes.size() <= bytes / BatchedConsoleAppender.BUFFER_BYTES + 1,
                sink.writes.size() + " writes for " + bytes + " bytes (a write per line would be 2,000)");
        sink.writes.forEach(write -> assertTrue(write.endsWith("\n"), "a write ends with a whole line"));
    }

    @Test
    void appendWhenQuietThenTheLineIsWrittenWithinTheFlushInterval() throws InterruptedException {
        ch.qos.logback.classic.Logger logger = loggerTo(started(Duration.ofMillis(20)));

        logger.info("alone");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (sink.writes.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }

        assertEquals(List.of("alone\n"), sink.writes, "written by the periodic flush, without a stop");
    }

    @Test
    void stopWhenLinesBufferedThenWritten() {
        BatchedConsoleAppender appender = started(Duration.ofHours(1));
        loggerTo(appender).info("last words");

        context.stop();

        assertEquals(List.of("last words\n"), sink.writes);
    }

    private BatchedConsoleAppender started(Duration flushInterval) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        BatchedConsoleAppender appender = new BatchedConsoleAppender(sink, flushInterval);
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.start();
        return appender;
    }

    private ch.qos.logback.classic.Logger loggerTo(BatchedConsoleAppender appender) {
        ch.qos.logback.classic.Logger logger = context.getLogger(AccessLog.LOGGER_NAME);
        logger.addAppender(appender);
        return logger;
    }

    /** Keeps each write call's bytes as one string. */
    private static final class RecordingStream extends OutputStream {
        final List<String> writes = new CopyOnWriteArrayList<>();

        @Override
        public void write(int b) {
            writes.add(String.valueOf((char) b));
        }

        @Override
        public void write(byte[] b, int off, int len) {
            writes.add(new String(b, off, len, StandardCharsets.UTF_8));
        }
    }
}
