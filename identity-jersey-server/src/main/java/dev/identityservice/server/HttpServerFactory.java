package dev.identityservice.server;

import dev.identityservice.server.error.JsonErrorHandler;
import dev.identityservice.server.http.HeaderSyntaxFilter;
import dev.identityservice.server.http.TrustedProxies;
import dev.identityservice.server.observability.AccessLog;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;

/**
 * Builds the Jetty 12 server: one connector (HTTPS with HSTS when a keystore is configured), Jersey as the only
 * servlet, the forwarding headers of trusted reverse proxies ({@link TrustedProxies}), JSON error pages, the
 * access log, graceful stop, and the request threads: a platform pool of {@code http.threads} by default, whose
 * queue hands waiting requests to threads in arrival order, or virtual threads when {@code http.virtual.threads}
 * asks for them and the JVM has them (Java 21+; detected at run time by Jetty, so the code still compiles for
 * Java 17).
 */
final class HttpServerFactory {

    /** The {@code Strict-Transport-Security} max-age sent on every HTTPS response: one year (RFC 6797 §6.1.1). */
    static final java.time.Duration HSTS_MAX_AGE = java.time.Duration.ofDays(365);

    private HttpServerFactory() {
    }

    static Server create(ServerConfig config, ResourceConfig application) {
        QueuedThreadPool threads = new QueuedThreadPool(config.httpThreads());
        threads.setName("identity-http");
        // Not by default: signing and hashing are CPU-bound and never yield, so on few carriers the virtual-thread
        // scheduler lets some requests run to the end while others wait, and p99 grows with the connections far
        // faster than the queue does; the kernel time-slices platform threads fairly (BENCHMARKS.md, issue 13).
        if (config.httpVirtualThreads() && VirtualThreads.areSupported()) {
            threads.setVirtualThreadsExecutor(VirtualThreads.getNamedVirtualThreadsExecutor("identity-vt"));
        }
        Server server = new Server(threads);

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        if (!config.trustedProxies().isEmpty()) {
            // Before anything reads the client address or scheme: the throttle, the access log, isSecure().
            http.addCustomizer(new TrustedProxies(config.trustedProxies(), config.proxyHeaders()));
        }
        ServerConnector connector;
        if (config.tls()) {
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
        connector.setHost(config.host());
        connector.setPort(config.port());
        // Also bounds a stalled request body: the blocked read fails, and BoundedBody answers 400.
        connector.setIdleTimeout(config.idleTimeout().toMillis());
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(new ServletHolder("jersey", new ServletContainer(application)), "/*");
        // Headers Jersey would refuse before our error shapes apply: checked in front of it.
        context.addFilter(HeaderSyntaxFilter.class, "/*", EnumSet.of(DispatcherType.REQUEST));
        GracefulHandler graceful = new GracefulHandler();
        graceful.setHandler(context);
        server.setHandler(graceful);
        server.setErrorHandler(config.tls() ? new JsonErrorHandler("max-age=" + HSTS_MAX_AGE.toSeconds()) : new JsonErrorHandler());
        server.setRequestLog(AccessLog.create());
        server.setStopTimeout(config.shutdownTimeout().toMillis());
        server.setStopAtShutdown(false);
        return server;
    }
}
