package dev.identityservice.server.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A real HTTP receiver of back-channel logout tokens on 127.0.0.1, port 0 (the JDK's HTTP server): records
 * every POST and answers per path with a scripted list of statuses, the last repeated; a status of
 * {@link #HANG} never answers (until {@link #close}).
 */
public final class LogoutReceiver implements AutoCloseable {

    /** A scripted "status" that makes the receiver hang instead of answering. */
    public static final int HANG = -1;

    /** One POST as received. */
    public record Delivery(String path, String contentType, String logoutToken, Instant at, int answeredWith) {
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Map<String, List<Integer>> scripts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final CountDownLatch released = new CountDownLatch(1);

    public LogoutReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The URI of {@code path} (e.g. {@code /ok}), answered with {@code statuses} in turn (200 when none). */
    public String uri(String path, Integer... statuses) {
        scripts.put(path, statuses.length == 0 ? List.of(200) : List.of(statuses));
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            String path = exchange.getRequestURI().getPath();
            List<Integer> script = scripts.getOrDefault(path, List.of(404));
            int call = calls.computeIfAbsent(path, p -> new AtomicInteger()).getAndIncrement();
            int status = script.get(Math.min(call, script.size() - 1));
            String token = null;
            for (String pair : body.split("&")) {
                if (pair.startsWith("logout_token=")) {
                    token = URLDecoder.decode(pair.substring("logout_token=".length()), StandardCharsets.US_ASCII);
                }
            }
            deliveries.add(new Delivery(path, exchange.getRequestHeaders().getFirst("Content-Type"), token, Instant.now(), status));
            if (status == HANG) {
                try {
                    released.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            exchange.sendResponseHeaders(status, -1);
        }
    }

    /** Every POST so far. */
    public List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    /** Waits up to {@code timeout} until {@code count} POSTs match; answers those that matched. */
    public List<Delivery> await(Predicate<Delivery> match, int count, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            List<Delivery> matching = deliveries.stream().filter(match).toList();
            if (matching.size() >= count || Instant.now().isAfter(deadline)) {
                return matching;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return matching;
            }
        }
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
