package dev.identityservice.server.observability;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.joran.spi.ConsoleTarget;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Logback's console output for a logger that writes a line per request (the access log): lines go to standard error
 * through a buffer of {@link #BUFFER_BYTES} bytes, written when it is full, every {@link #FLUSH_INTERVAL} and when the
 * appender stops, instead of one {@code write} system call per line as Logback's {@code ConsoleAppender} makes.
 *
 * <p>Why: at the key set's 30,000 requests a second the access log took about 10 µs of each 45 µs request, half of
 * it that system call (BENCHMARKS.md, issue 13). Each write holds whole lines (one event is one write into the
 * buffer, which empties itself before a line that does not fit), so no line is cut by another logger's line on the
 * same stream. The price is the one nginx's {@code access_log ... buffer= flush=} asks: a line can reach the stream
 * up to {@link #FLUSH_INTERVAL} after it was logged (after lines other loggers logged later), and a process killed
 * with SIGKILL loses what the buffer held (at most {@link #BUFFER_BYTES} bytes, at most {@link #FLUSH_INTERVAL} of
 * lines). A graceful stop writes it: the server's shutdown hook stops Logback after Jetty ({@link LogSetup#stop}).
 *
 * <p>Logback has no buffered console appender of its own, so this is its {@link OutputStreamAppender} given a
 * buffered stream and a flush on the Logback context's scheduler.
 */
final class BatchedConsoleAppender extends OutputStreamAppender<ILoggingEvent> {

    /** Bytes held before a write: about 50 access log lines. */
    static final int BUFFER_BYTES = 8192;
    /** The longest a line waits in the buffer while the server is quiet. */
    static final Duration FLUSH_INTERVAL = Duration.ofMillis(100);

    private final OutputStream sink;
    private final Duration flushInterval;
    private ScheduledFuture<?> flushing;

    /** Writes to the {@code System.err} of the moment (as {@code ConsoleAppender} does), flushed every {@link #FLUSH_INTERVAL}. */
    BatchedConsoleAppender() {
        this(ConsoleTarget.SystemErr.getStream(), FLUSH_INTERVAL);
    }

    /**
     * @param sink          where the buffered lines go
     * @param flushInterval how often what the buffer holds is written while lines arrive slower than it fills
     */
    BatchedConsoleAppender(OutputStream sink, Duration flushInterval) {
        this.sink = sink;
        this.flushInterval = flushInterval;
        setImmediateFlush(false);
    }

    @Override
    public void start() {
        setOutputStream(new BufferedOutputStream(sink, BUFFER_BYTES));
        super.start();
        if (isStarted()) {
            long millis = flushInterval.toMillis();
            flushing = getContext().getScheduledExecutorService().scheduleWithFixedDelay(this::flush, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    /** Writes what the buffer holds now. */
    void flush() {
        streamWriteLock.lock();
        try {
            OutputStream out = getOutputStream();
            if (isStarted() && out != null) {
                out.flush();
            }
        } catch (IOException e) {
            addError("Could not write the buffered log lines", e);
        } finally {
            streamWriteLock.unlock();
        }
    }

    /** Stops the periodic flush and writes what the buffer holds ({@link OutputStreamAppender#stop} flushes on close). */
    @Override
    public void stop() {
        if (flushing != null) {
            flushing.cancel(false);
        }
        super.stop();
    }
}
