package dev.identityservice.server;

import dev.identityservice.core.AdmissionGate;
import dev.identityservice.server.audit.ClientAddressFilter;
import dev.identityservice.server.error.JsonErrorHandler;
import dev.identityservice.server.http.AdmissionFilter;
import dev.identityservice.server.http.HeaderSyntaxFilter;
import dev.identityservice.server.http.UnreadBodyDrainFilter;
import dev.identityservice.server.http.TrustedProxies;
import dev.identityservice.server.observability.AccessLog;
import dev.identityservice.server.observability.ServerMetrics;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;

/**
 * Builds the Jetty 12 server: one connector (HTTPS with HSTS when a keystore is configured), and when
 * {@code management.port} is set a second, plain HTTP one on {@link ServerConfig#MANAGEMENT_HOST} that reaches
 * only the management application (metrics and health); Jersey as the only servlet, Micrometer's Jetty metrics,
 * the forwarding headers of trusted reverse proxies ({@link TrustedProxies}), JSON error pages, the access log,
 * graceful stop, the key sets answered before the servlet contexts ({@code JwksHandler}), and the request threads: a
 * platform pool of {@code http.threads} by default, whose queue hands waiting requests to threads in arrival order,
 * or virtual threads when {@code http.virtual.threads} asks for them and the JVM has them (Java 21+; detected at run
 * time by Jetty, so the code still compiles for Java 17). Of those, at most {@code http.concurrency} execute at once
 * on the main port ({@link AdmissionFilter}).
 */
final class HttpServerFactory {

    /** The {@code Strict-Transport-Security} max-age sent on every HTTPS response: one year (RFC 6797 §6.1.1). */
    static final java.time.Duration HSTS_MAX_AGE = java.time.Duration.ofDays(365);

    private HttpServerFactory() {
    }

    /** The connector of the main port: the first of {@link Server#getConnectors()}. */
    static final String MAIN_CONNECTOR = "main";
    /** The threads of the management listener, its acceptor and selector included: a few scrapes and probes. */
    static final int MANAGEMENT_THREADS = 8;
    /** The connector of {@code management.port}, when set: the second. */
    static final String MANAGEMENT_CONNECTOR = "management";
    /**
     * How long a request thread above the pool's minimum may stay idle before it ends (Jetty's default: 60 s, and
     * one thread per period). A thread that served a deep request keeps 100-200 KiB of stack and native buffers
     * resident, so after 64 connections 60-110 idle threads held 6-10 MiB for an hour (BENCHMARKS.md, "Issue 13:
     * threads and buffers kept after a load").
     */
    static final int THREAD_IDLE_TIMEOUT_MS = 5_000;
    /**
     * The most bytes the connection buffer pool keeps, each of heap and direct memory (Jetty's default: an eighth of
     * {@code -Xmx} each: 9 MiB of native memory and 9 MiB of old generation at our heap). A request in flight takes
     * 8 KiB for its input and up to 32 KiB for its response, released when it completes: 4 MiB keeps them for
     * about 100 requests at once; beyond, a buffer is allocated and dropped instead of pooled (at 2 MiB a noisy
     * measurement put 64 connections at +9% CPU per request).
     */
    static final long BUFFER_POOL_BYTES = 4L << 20;

    /**
     * The server with its thread pool and connectors (the management one when {@code management.port} is set), but
     * no handler yet: what needs the configuration only, so that a start can build it while the database opens.
     * Nothing is bound or started.
     *
     * @throws StartFailure when the TLS keystore cannot be read or opened
     */
    static Server create(ServerConfig config) {
        presetReferencesPerCacheLine();
        QueuedThreadPool threads = new QueuedThreadPool(config.httpThreads());
        threads.setName("identity-http");
        // Threads a burst added end within one idle period after it, all of them, not one per period.
        threads.setIdleTimeout(THREAD_IDLE_TIMEOUT_MS);
        threads.setMaxEvictCount(config.httpThreads());
        // Not by default: signing and hashing are CPU-bound and never yield, so on few carriers the virtual-thread
        // scheduler lets some requests run to the end while others wait, and p99 grows with the connections far
        // faster than the queue does; the kernel time-slices platform threads fairly (BENCHMARKS.md, issue 13).
        if (config.httpVirtualThreads() && VirtualThreads.areSupported()) {
            threads.setVirtualThreadsExecutor(VirtualThreads.getNamedVirtualThreadsExecutor("identity-vt"));
        }
        Server server = new Server(threads, null,
                new ArrayByteBufferPool(0, -1, -1, Integer.MAX_VALUE, BUFFER_POOL_BYTES, BUFFER_POOL_BYTES));

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        if (!config.trustedProxies().isEmpty()) {
            // Before anything reads the client address or scheme: the throttle, the access log, isSecure().
            http.addCustomizer(new TrustedProxies(config.trustedProxies(), config.proxyHeaders()));
        }
        ServerConnector connector;
        if (config.tls()) {
            checkKeystore(config.tlsKeystore(), config.tlsKeystorePassword());
            SslContextFactory.Server tls = new SslContextFactory.Server();
            tls.setKeyStorePath(config.tlsKeystore().toAbsolutePath().toString());
            tls.setKeyStorePassword(config.tlsKeystorePassword());
            tls.setKeyStoreType("PKCS12");
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            // RFC 6797: browsers that once reached us over TLS never try plain HTTP again for a year. Not
            // includeSubDomains: other hosts of the operator's domain may not speak TLS, and that is theirs to say.
            secure.setStsMaxAge(HSTS_MAX_AGE.toSeconds());
            secure.setStsIncludeSubDomains(false);
            http.addCustomizer(secure);
            connector = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(http));
        } else {
            connector = new ServerConnector(server, new HttpConnectionFactory(http));
        }
        connector.setName(MAIN_CONNECTOR);
        connector.setHost(config.host());
        connector.setPort(config.port());
        // Also bounds a stalled request body: the blocked read fails, and BoundedBody answers 400.
        connector.setIdleTimeout(config.idleTimeout().toMillis());
        server.addConnector(connector);
        if (config.managementPort() != null) {
            HttpConfiguration plain = new HttpConfiguration();
            plain.setSendServerVersion(false);
            plain.setSendXPoweredBy(false);
            // Threads of its own: requests waiting at the main port's admission gate each hold a thread of the
            // main pool, and with as many waiting as there are threads, health and metrics would wait behind them.
            QueuedThreadPool managementThreads = new QueuedThreadPool(MANAGEMENT_THREADS, 2);
            managementThreads.setName("identity-management");
            ServerConnector managementConnector = new ServerConnector(server, managementThreads, null, null, 1, 1,
                    new HttpConnectionFactory(plain));
            managementConnector.setName(MANAGEMENT_CONNECTOR);
            managementConnector.setHost(ServerConfig.MANAGEMENT_HOST);
            managementConnector.setPort(config.managementPort());
            managementConnector.setIdleTimeout(config.idleTimeout().toMillis());
            server.addConnector(managementConnector);
        }
        server.setErrorHandler(config.tls() ? new JsonErrorHandler("max-age=" + HSTS_MAX_AGE.toSeconds()) : new JsonErrorHandler());
        server.setRequestLog(AccessLog.create());
        server.setStopTimeout(config.shutdownTimeout().toMillis());
        server.setStopAtShutdown(false);
        return server;
    }

    /** Jetty's system property for the object references that fit in a cache line (its {@code MemoryUtils}). */
    static final String REFERENCES_PER_CACHE_LINE = "org.eclipse.jetty.util.referencesPerCacheLine";

    /**
     * Sets {@link #REFERENCES_PER_CACHE_LINE} to what Jetty would find itself, unless it is set already. Why: without
     * it, Jetty's {@code MemoryUtils} (first used by the thread pool's queue, to pad against false sharing) asks the
     * platform MBean server whether compressed oops are on, and creating that server registers every platform MBean,
     * the diagnostic-command one running the JVM's {@code help} for each command: 20-30 % of the CPU that building
     * the Jetty shell took at a restart (JFR, JDK 25), for one flag. The same flag read from the HotSpot diagnostic
     * bean alone creates no MBean server. Jetty's value: the cache line ({@code org.eclipse.jetty.util.cacheLineBytes},
     * 64 by default) over 4 bytes per reference with compressed oops, 8 without. Left to Jetty when the bean or the
     * cache-line property cannot be read.
     */
    static void presetReferencesPerCacheLine() {
        if (System.getProperty(REFERENCES_PER_CACHE_LINE) != null) {
            return;
        }
        try {
            int cacheLineBytes = Integer.parseInt(System.getProperty("org.eclipse.jetty.util.cacheLineBytes", "64"));
            com.sun.management.HotSpotDiagnosticMXBean hotSpot =
                    java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            boolean compressedOops = Boolean.parseBoolean(hotSpot.getVMOption("UseCompressedOops").getValue());
            int references = compressedOops ? cacheLineBytes >> 2 : cacheLineBytes >> 3;
            if (references >= 1) {
                System.setProperty(REFERENCES_PER_CACHE_LINE, Integer.toString(references));
            }
        } catch (RuntimeException | LinkageError unknown) {
            // No jdk.management module, no such option, or no number: Jetty works it out (or falls back) as before.
        }
    }

    /**
     * Starts the handlers of {@code server} (from {@link #withApplications}) on a thread of their own, the server
     * itself and its connectors not: Jersey's initialisation (resource model, HK2, routing) needs the applications
     * only, so it runs while the start applies the default tenant, the bootstrap and the import. {@link Server#start()}
     * then finds them started and starts the thread pool and the connectors; nothing is served before it.
     * Undo with {@link HandlersStart#stopAfterFailure} when the start fails before that.
     */
    static HandlersStart startHandlersAlongside(Server server) {
        Handler handler = server.getHandler();
        CompletableFuture<Void> started = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                handler.start();
                started.complete(null);
            } catch (Throwable e) {
                started.completeExceptionally(e);
            }
        }, "identity-start-handlers");
        thread.setDaemon(true);
        thread.start();
        return new HandlersStart(thread, started);
    }

    /**
     * The start of a server's handlers on a thread of their own ({@link #startHandlersAlongside}).
     *
     * @param started completed when the handlers started, exceptionally with what their start threw
     */
    record HandlersStart(Thread thread, CompletableFuture<Void> started) {

        /** Waits for the handlers' start; its failure thrown as {@code jetty.start()} would have thrown it. */
        void await() throws Exception {
            try {
                started.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof Exception cause) {
                    throw cause;
                }
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw e;
            }
        }

        /** Waits for the start and its thread to end, then stops what it started; for a start that failed. */
        void stopAfterFailure(Server server) {
            try {
                started.handle((done, failure) -> null).join();
                thread.join();
                server.getHandler().stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                org.slf4j.LoggerFactory.getLogger(HttpServerFactory.class).warn("Stopping the handlers failed", e);
            }
        }
    }

    /**
     * Gives {@code server} (from {@link #create(ServerConfig)}) its handlers: Jersey with {@code application} on the
     * main connector and, when {@code management} is not {@code null}, the management application on the second.
     *
     * @param management the application of the management listener, or {@code null} when {@code management.port}
     *                   is unset
     * @param front      filters of the main port that may answer requests before Jersey, after the header checks and
     *                   before the admission gate: {@link IdentityApplication#frontFilters()}
     * @param frontHandler a handler that may answer requests before the servlet contexts, inside the graceful stop:
     *                   {@link IdentityApplication#frontHandler()}; {@code null} for none
     */
    static Server withApplications(Server server, ServerConfig config, ResourceConfig application, ResourceConfig management,
                                   ServerMetrics metrics, List<Filter> front, Handler.Wrapper frontHandler) {
        ServletContextHandler context = jerseyContext(application);
        // The client address in the logging context of the main port's requests (audit events read it there), the
        // front filters' included (JwksHandler, before the context, sets it itself).
        FilterHolder address = new FilterHolder(ClientAddressFilter.class);
        address.setAsyncSupported(true);
        context.addFilter(address, "/*", EnumSet.of(DispatcherType.REQUEST));
        // Good userinfo and introspection requests are answered before the gate (about 0.1 ms of CPU each,
        // within their own bound): a permit's hand-over to a parked thread would double their cost at 64 connections
        // (BENCHMARKS.md, "userinfo and introspection in front of Jersey"); what they refuse goes through the gate.
        for (Filter filter : front) {
            FilterHolder holder = new FilterHolder(filter);
            holder.setAsyncSupported(true);
            context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST));
        }
        // The main port only: the management listener's health and metrics answer however busy the server is.
        AdmissionGate gate = new AdmissionGate(config.httpConcurrency(), config.httpQueueTimeout());
        metrics.bindAdmission(gate);
        FilterHolder admission = new FilterHolder(new AdmissionFilter(gate));
        admission.setAsyncSupported(true);
        context.addFilter(admission, "/*", EnumSet.of(DispatcherType.REQUEST));
        Handler contexts = context;
        if (management != null) {
            // "@name" virtual hosts tie each context to one connector: the main port never serves the open
            // metrics, and the management port serves nothing else.
            context.setVirtualHosts(java.util.List.of("@" + MAIN_CONNECTOR));
            ServletContextHandler managementContext = jerseyContext(management);
            managementContext.setVirtualHosts(java.util.List.of("@" + MANAGEMENT_CONNECTOR));
            contexts = new ContextHandlerCollection(context, managementContext);
        }
        if (frontHandler != null) {
            frontHandler.setHandler(contexts);
            contexts = frontHandler;
        }
        GracefulHandler graceful = new GracefulHandler();
        graceful.setHandler(contexts);
        server.setHandler(graceful);
        metrics.bindJetty(server);
        return server;
    }

    /**
     * Opens the keystore once before Jetty does, so that a missing or unreadable file or a wrong password is a
     * {@link StartFailure} naming the setting, not a stack trace from inside Jetty's start.
     */
    private static void checkKeystore(java.nio.file.Path keystore, String password) {
        String file = keystore.toAbsolutePath().toString();
        if (!java.nio.file.Files.isRegularFile(keystore)) {
            throw new StartFailure("cannot read the TLS keystore " + file + ": no such file (check tls.keystore / IDENTITY_TLS_KEYSTORE)");
        }
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(keystore)) {
            java.security.KeyStore.getInstance("PKCS12").load(in, password.toCharArray());
        } catch (java.nio.file.AccessDeniedException e) {
            throw new StartFailure("cannot read the TLS keystore " + file + ": permission denied (check tls.keystore / IDENTITY_TLS_KEYSTORE"
                    + " and the file's owner and mode)");
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            throw new StartFailure("cannot open the TLS keystore " + file + ": " + e.getMessage()
                    + " (check tls.keystore.password / IDENTITY_TLS_KEYSTORE_PASSWORD, and that the file is PKCS12)");
        }
    }

    private static ServletContextHandler jerseyContext(ResourceConfig application) {
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        ServletHolder jersey = new ServletHolder("jersey", new ServletContainer(application));
        // Long polls of security event streams (RFC 8936) wait as suspended AsyncResponses, on no request thread.
        jersey.setAsyncSupported(true);
        context.addServlet(jersey, "/*");
        // First in the chain: whatever body a refusal left unread is drained after the response (see the class).
        FilterHolder drain = new FilterHolder(UnreadBodyDrainFilter.class);
        drain.setAsyncSupported(true);
        context.addFilter(drain, "/*", EnumSet.of(DispatcherType.REQUEST));
        // Headers Jersey would refuse before our error shapes apply: checked in front of it.
        FilterHolder headers = new FilterHolder(HeaderSyntaxFilter.class);
        headers.setAsyncSupported(true);
        context.addFilter(headers, "/*", EnumSet.of(DispatcherType.REQUEST));
        return context;
    }
}
