package dev.identityservice.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the server logs while a test step runs: Logback (logback-test.xml: WARN and above, to standard error) writes to the
 * current {@code System.err}, which this swaps for a buffer and restores on {@link #close}. Also forwards
 * everything to the real stream so that a failing test still shows its log.
 */
public final class CapturedLog implements AutoCloseable {

    private final PrintStream original = System.err;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

    public CapturedLog() {
        System.setErr(new PrintStream(new TeeStream(buffer, original), true, StandardCharsets.UTF_8));
    }

    /** The lines logged so far. */
    public List<String> lines() {
        System.err.flush();
        synchronized (buffer) {
            return buffer.toString(StandardCharsets.UTF_8).lines().toList();
        }
    }

    /** The lines logged at this level (logback-test.xml writes the level as a word after the thread). */
    public List<String> at(String level) {
        return lines().stream().filter(line -> line.contains(" " + level + " ")).toList();
    }

    @Override
    public void close() {
        System.setErr(original);
    }

    private static final class TeeStream extends java.io.OutputStream {
        private final ByteArrayOutputStream copy;
        private final PrintStream target;

        TeeStream(ByteArrayOutputStream copy, PrintStream target) {
            this.copy = copy;
            this.target = target;
        }

        @Override
        public void write(int b) {
            synchronized (copy) {
                copy.write(b);
            }
            target.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            synchronized (copy) {
                copy.write(b, off, len);
            }
            target.write(b, off, len);
        }
    }
}
