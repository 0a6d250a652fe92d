package dev.identityservice.core.outbound;

import dev.identityservice.core.AdmissionGate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.IDN;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The one way the server sends a request to a URL a client chose (its {@code backchannel_logout_uri}, its
 * {@code jwks_uri}): HTTP/1.1 over a socket this class connects itself, so that the address checked is the
 * address connected to. The host is resolved once; unless {@code allowPrivateAddresses}, the request is refused
 * when any address the name resolves to is not public ({@link AddressPolicy}), and the connected socket's peer is
 * checked again before a byte is written; an address of this machine's own interfaces ({@link LocalAddresses}) is
 * refused as well, even a public one, so that a client cannot make the server call itself. A name that answers a public address to a first lookup and
 * {@code 127.0.0.1} to a second (DNS rebinding) thus gains nothing: there is no second lookup.
 *
 * <p>Also: only {@code http} and {@code https} (certificate and host name verified, SNI sent); no redirects
 * followed (a 3xx is just a status); one request per connection ({@code Connection: close}); the whole exchange,
 * host name lookup, connection and TLS handshake included, within the caller's timeout (the channel is closed at
 * the deadline); an answer body read up to a bound. The socket is a {@link SocketChannel}'s, so that interrupting
 * the calling thread ends a request in flight.
 *
 * <p>{@link #requireRegistrable} is the registration-time half: the same rule on the URL's form, before it is stored.
 */
public final class OutboundHttp {

    /** The longest status line plus headers read from an answer. */
    public static final int MAX_HEADER_BYTES = 16 * 1024;

    /** Resolves a host name to its addresses; a seam for tests of what resolution returns. */
    @FunctionalInterface
    public interface Resolver {
        Resolver SYSTEM = InetAddress::getAllByName;

        InetAddress[] resolve(String host) throws IOException;
    }

    /** A request refused before it was sent: the URL leads to an address clients may not reach through us. */
    public static final class RefusedAddressException extends IOException {
        RefusedAddressException(String message) {
            super(message);
        }
    }

    /** An answer: the status and, for {@link #get}, the body. */
    public record Answer(int status, byte[] body) {
    }

    /**
     * Closes a request's channel at its deadline. Read timeouts alone do not bound an exchange: a TLS handshake
     * reads many times under one timeout, so a peer that sends a byte now and then would hold it for ever.
     */
    private static final ScheduledThreadPoolExecutor DEADLINES = deadlines();
    /**
     * Runs host name lookups, so that a caller waits for one no longer than its deadline: the system resolver
     * retries a silent name server for tens of seconds and cannot be interrupted. Bounded: past
     * {@link #MAX_LOOKUPS} lookups at once, a request fails at once rather than adding a thread.
     */
    private static final ThreadPoolExecutor LOOKUPS = lookups();
    /** The most host name lookups in progress at once. */
    static final int MAX_LOOKUPS = 64;

    private final boolean allowPrivateAddresses;
    private final Resolver resolver;
    /** The TLS socket factory, created on the first https request: see {@link DefaultTls}. */
    private final java.util.function.Supplier<SSLSocketFactory> tls;
    private final LocalAddresses ownAddresses;

    /**
     * @param allowPrivateAddresses whether clients' URLs may lead to loopback, private and other non-public
     *                              addresses, and use plain {@code http}: for development and for servers whose
     *                              clients all live on an internal network; {@code false} by default
     */
    public OutboundHttp(boolean allowPrivateAddresses) {
        this(allowPrivateAddresses, Resolver.SYSTEM, DefaultTls::factory,
                allowPrivateAddresses ? null : LocalAddresses.system());
    }

    /**
     * The JDK's default TLS socket factory, created when first asked for. Creating it builds the default
     * {@code SSLContext}, which reads and parses every certificate of the JDK's trust store: about a tenth of a
     * second of a server's start, for a client that the first tokens never need (it fetches clients' URLs only).
     * Its errors (an unreadable trust store) surface where they did before: on the first https request.
     */
    private static final class DefaultTls {
        private static final SSLSocketFactory FACTORY = (SSLSocketFactory) SSLSocketFactory.getDefault();

        static SSLSocketFactory factory() {
            return FACTORY;
        }
    }

    /** With a resolver and TLS factory of the caller's (tests); this machine's addresses read from its interfaces. */
    public OutboundHttp(boolean allowPrivateAddresses, Resolver resolver, SSLSocketFactory tls) {
        this(allowPrivateAddresses, resolver, tls, allowPrivateAddresses ? null : LocalAddresses.system());
    }

    /**
     * @param ownAddresses this machine's addresses, refused unless {@code allowPrivateAddresses} (then unused and
     *                     may be {@code null})
     */
    public OutboundHttp(boolean allowPrivateAddresses, Resolver resolver, SSLSocketFactory tls, LocalAddresses ownAddresses) {
        this(allowPrivateAddresses, resolver, supplierOf(Objects.requireNonNull(tls, "tls")), ownAddresses);
    }

    private OutboundHttp(boolean allowPrivateAddresses, Resolver resolver, java.util.function.Supplier<SSLSocketFactory> tls,
                         LocalAddresses ownAddresses) {
        this.allowPrivateAddresses = allowPrivateAddresses;
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.tls = tls;
        this.ownAddresses = allowPrivateAddresses ? ownAddresses : Objects.requireNonNull(ownAddresses, "ownAddresses");
    }

    private static java.util.function.Supplier<SSLSocketFactory> supplierOf(SSLSocketFactory tls) {
        return () -> tls;
    }

    public boolean allowsPrivateAddresses() {
        return allowPrivateAddresses;
    }

    /**
     * Fails unless {@code url} may be registered as a URL the server will request: absolute {@code https} (or
     * {@code http} when private addresses are allowed) with a host, no user-info, no fragment, and, unless private
     * addresses are allowed, a host that is not {@code localhost} or a non-public IP literal. A name is not
     * resolved here: what it resolves to is checked at every request.
     *
     * @param field named in the message
     * @throws IllegalArgumentException naming {@code field} and the URL
     */
    public void requireRegistrable(String field, URI url) {
        if (url == null) {
            return;
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!"https".equals(scheme) && !("http".equals(scheme) && allowPrivateAddresses)) {
            throw new IllegalArgumentException(field + ": the server sends requests to this URL, so it must be https"
                    + (allowPrivateAddresses ? " or http" : "") + ": " + url);
        }
        if (url.getRawFragment() != null || url.getRawUserInfo() != null || url.getHost() == null || url.getHost().isEmpty()) {
            throw new IllegalArgumentException(field + ": must be an absolute URL with a host, without user-info or fragment: " + url);
        }
        if (!allowPrivateAddresses && AddressPolicy.isNonPublicLiteral(url.getHost())) {
            throw new IllegalArgumentException(field + ": the server sends requests to this URL, so it must not name a "
                    + "loopback, private, link-local or other non-public address: " + url);
        }
    }

    /**
     * POSTs {@code form} ({@code application/x-www-form-urlencoded}) to {@code url}.
     *
     * @param timeout the bound of the whole exchange, connection included
     * @return the answer's status (its body is not read)
     * @throws RefusedAddressException when the URL leads to a refused address or scheme
     * @throws IOException when connecting, TLS, writing or reading fails or the timeout passes
     */
    public int postForm(URI url, String form, Duration timeout) throws IOException {
        byte[] body = form.getBytes(StandardCharsets.US_ASCII);
        return exchange(url, "POST", "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length + "\r\n",
                body, timeout, -1).status();
    }

    /**
     * GETs {@code url}, reading at most {@code maxBodyBytes} of the answer's body.
     *
     * @throws RefusedAddressException when the URL leads to a refused address or scheme
     * @throws IOException as for {@link #postForm}, and when the body is longer than {@code maxBodyBytes}
     */
    public Answer get(URI url, int maxBodyBytes, Duration timeout) throws IOException {
        return exchange(url, "GET", "Accept: application/json, application/jwk-set+json\r\n", new byte[0], timeout, maxBodyBytes);
    }

    /** Outside the request's {@link AdmissionGate}: the remote server, not the CPU, sets how long this takes. */
    private Answer exchange(URI url, String method, String headers, byte[] body, Duration timeout, int maxBodyBytes) throws IOException {
        return AdmissionGate.outside(() -> exchangeNow(url, method, headers, body, timeout, maxBodyBytes));
    }

    private Answer exchangeNow(URI url, String method, String headers, byte[] body, Duration timeout, int maxBodyBytes) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        boolean secure = "https".equals(scheme);
        if (!secure && !("http".equals(scheme) && allowPrivateAddresses)) {
            throw new RefusedAddressException("only https URLs are requested: " + scheme);
        }
        String host = url.getHost();
        if (host == null || host.isEmpty() || url.getRawUserInfo() != null) {
            throw new RefusedAddressException("the URL has no host or has user-info");
        }
        String bareHost = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        int port = url.getPort() == -1 ? (secure ? 443 : 80) : url.getPort();
        InetAddress target = pick(bareHost, deadline);
        SocketChannel channel = SocketChannel.open();
        Socket socket = channel.socket();
        ScheduledFuture<?> watchdog = DEADLINES.schedule(() -> closeQuietly(channel), deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        try {
            socket.connect(new InetSocketAddress(target, port), millisLeft(deadline));
            InetAddress connected = ((InetSocketAddress) channel.getRemoteAddress()).getAddress();
            if (!allowPrivateAddresses && !reachable(connected)) {
                throw new RefusedAddressException("connected to a non-public address or one of this machine's");
            }
            if (secure) {
                SSLSocket ssl = (SSLSocket) tls.get().createSocket(socket, bareHost, port, true);
                SSLParameters parameters = ssl.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                if (!isIpLiteral(bareHost)) {
                    parameters.setServerNames(java.util.List.of(new SNIHostName(IDN.toASCII(bareHost))));
                }
                ssl.setSSLParameters(parameters);
                socket.setSoTimeout(millisLeft(deadline));
                ssl.startHandshake();
                socket = ssl;
            }
            String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
            if (url.getRawQuery() != null) {
                path += "?" + url.getRawQuery();
            }
            String hostHeader = host + (url.getPort() == -1 ? "" : ":" + url.getPort());
            String head = method + " " + path + " HTTP/1.1\r\nHost: " + hostHeader + "\r\n" + headers
                    + "Cache-Control: no-store\r\nConnection: close\r\nAccept-Encoding: identity\r\n"
                    + "User-Agent: identity-server\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            return new AnswerReader(socket, deadline).read(maxBodyBytes);
        } catch (IOException e) {
            // The clock, not watchdog.isDone(): the task is not done yet when the closed channel already failed a read.
            // A socket time-out is the deadline too: its milliseconds are rounded down, so it may fire just before.
            if ((e instanceof SocketTimeoutException || System.nanoTime() - deadline >= 0)
                    && !(e instanceof RefusedAddressException)) {
                // Whatever the closed channel made the read throw, the reason is the deadline.
                throw new SocketTimeoutException("no answer in time");
            }
            throw e;
        } finally {
            watchdog.cancel(false);
            socket.close();
            channel.close();
        }
    }

    private static ScheduledThreadPoolExecutor deadlines() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "outbound-http-deadline");
            thread.setDaemon(true);
            return thread;
        });
        // Nearly every exchange ends before its deadline: its cancelled task must not wait in the queue till then.
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Closing is all that was wanted; the request's thread sees its read fail.
        }
    }

    private static ThreadPoolExecutor lookups() {
        return new ThreadPoolExecutor(0, MAX_LOOKUPS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread thread = new Thread(r, "outbound-http-lookup");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The addresses of {@code host}, looked up before {@code deadline} (a {@link SocketTimeoutException} after it). */
    private InetAddress[] resolve(String host, long deadline) throws IOException {
        Future<InetAddress[]> lookup;
        try {
            lookup = LOOKUPS.submit(() -> resolver.resolve(host));
        } catch (RejectedExecutionException e) {
            throw new IOException("too many host name lookups in progress");
        }
        try {
            return lookup.get(millisLeft(deadline), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            lookup.cancel(true);
            throw new SocketTimeoutException("no answer in time (host name lookup)");
        } catch (InterruptedException e) {
            lookup.cancel(true);
            // As an interrupted channel answers (flag set), so that callers treat both the same way.
            Thread.currentThread().interrupt();
            throw new java.nio.channels.ClosedByInterruptException();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("host name lookup failed", e.getCause());
        }
    }

    /** The first address of {@code host}, unless any of them is refused: one lookup, checked whole. */
    private InetAddress pick(String host, long deadline) throws IOException {
        InetAddress[] addresses = resolve(host, deadline);
        if (addresses == null || addresses.length == 0) {
            throw new java.net.UnknownHostException(host);
        }
        if (!allowPrivateAddresses) {
            for (InetAddress address : addresses) {
                if (!reachable(address)) {
                    throw new RefusedAddressException(host + " resolves to a non-public address or one of this machine's");
                }
            }
        }
        return addresses[0];
    }

    /** Whether a client's URL may lead to {@code address} when private addresses are not allowed. */
    private boolean reachable(InetAddress address) {
        return AddressPolicy.isPublic(address) && !ownAddresses.contains(address);
    }

    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.matches("[0-9.]+");
    }

    static int millisLeft(long deadlineNanos) throws SocketTimeoutException {
        long left = (deadlineNanos - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new SocketTimeoutException("no answer in time");
        }
        return (int) Math.min(left, Integer.MAX_VALUE);
    }

    /** Reads one HTTP/1.1 answer: status line, headers, and a body by length, chunks or to the end. */
    private static final class AnswerReader {
        private final Socket socket;
        private final InputStream in;
        private final long deadline;

        AnswerReader(Socket socket, long deadline) throws IOException {
            this.socket = socket;
            this.in = new java.io.BufferedInputStream(socket.getInputStream());
            this.deadline = deadline;
        }

        Answer read(int maxBodyBytes) throws IOException {
            String statusLine = line(MAX_HEADER_BYTES);
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("\\d{3}")) {
                throw new IOException("not an HTTP/1.x answer");
            }
            int status = Integer.parseInt(parts[1]);
            if (maxBodyBytes < 0) {
                return new Answer(status, new byte[0]);
            }
            long length = -1;
            boolean chunked = false;
            int headerBytes = statusLine.length();
            for (String header = line(MAX_HEADER_BYTES); !header.isEmpty(); header = line(MAX_HEADER_BYTES)) {
                headerBytes += header.length() + 2;
                if (headerBytes > MAX_HEADER_BYTES) {
                    throw new IOException("answer headers too long");
                }
                int colon = header.indexOf(':');
                String name = colon < 0 ? "" : header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = colon < 0 ? "" : header.substring(colon + 1).trim();
                if ("content-length".equals(name)) {
                    length = contentLength(value, length);
                } else if ("transfer-encoding".equals(name)) {
                    chunked = value.toLowerCase(Locale.ROOT).endsWith("chunked");
                }
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (chunked) {
                for (long size = chunkSize(); size > 0; size = chunkSize()) {
                    copy(body, size, maxBodyBytes);
                    line(2);
                }
            } else if (length >= 0) {
                copy(body, length, maxBodyBytes);
            } else {
                copy(body, Long.MAX_VALUE, maxBodyBytes);
            }
            return new Answer(status, body.toByteArray());
        }

        /**
         * The length a Content-Length field value gives, with {@code earlier} the one an earlier field gave (or -1):
         * each element of the value (a list when a proxy folded repeated fields) is 1*DIGIT (RFC 9110 §8.6), and
         * all are the same number, else the answer is refused (RFC 9112 §6.3 item 5: which one to believe is
         * exactly what a smuggling attack plays on).
         */
        private static long contentLength(String value, long earlier) throws IOException {
            long length = earlier;
            for (String element : value.split(",", -1)) {
                String digits = element.strip();
                if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    throw new IOException("bad Content-Length");
                }
                long parsed;
                try {
                    parsed = Long.parseLong(digits);
                } catch (NumberFormatException e) {
                    throw new IOException("bad Content-Length");
                }
                if (length >= 0 && parsed != length) {
                    throw new IOException("differing Content-Length values");
                }
                length = parsed;
            }
            return length;
        }

        /**
         * A chunk-size line (RFC 9112 §7.1): 1*HEXDIG, then optionally whitespace and {@code ;} extensions, which
         * are ignored. Anything else (a sign, a space before the digits, an empty size) fails the answer, which is
         * otherwise read to a size Long.parseLong would have guessed.
         */
        private long chunkSize() throws IOException {
            String line = line(64);
            int semicolon = line.indexOf(';');
            String size = semicolon < 0 ? line : line.substring(0, semicolon).stripTrailing();
            if (size.isEmpty() || !size.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                throw new IOException("bad chunk size");
            }
            try {
                return Long.parseLong(size, 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size"); // more than 63 bits
            }
        }

        private void copy(ByteArrayOutputStream body, long count, int max) throws IOException {
            byte[] buffer = new byte[4096];
            long left = count;
            while (left > 0) {
                socket.setSoTimeout(millisLeft(deadline));
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    if (count == Long.MAX_VALUE) {
                        return;
                    }
                    throw new IOException("answer ended early");
                }
                if (body.size() + n > max) {
                    throw new IOException("answer body longer than " + max + " bytes");
                }
                body.write(buffer, 0, n);
                left -= n;
            }
        }

        /** One CRLF-ended line (a bare LF is accepted too), without its end. */
        private String line(int max) throws IOException {
            StringBuilder line = new StringBuilder();
            while (true) {
                socket.setSoTimeout(millisLeft(deadline));
                int c = in.read();
                if (c < 0) {
                    throw new IOException("answer ended early");
                }
                if (c == '\n') {
                    int end = line.length();
                    return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
                }
                if (line.length() >= max) {
                    throw new IOException("answer line too long");
                }
                line.append((char) c);
            }
        }
    }
}
