package dev.identityservice.server.observability;

import org.eclipse.jetty.server.CustomRequestLog;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Slf4jRequestLogWriter;

/**
 * The access log, through SLF4J logger {@value #LOGGER_NAME}. Its format holds no secret: the path without
 * the query string ({@code %U}; authorize and logout requests carry codes and tokens there), and no
 * request header at all, so never {@code Authorization} or a cookie.
 */
public final class AccessLog {

    public static final String LOGGER_NAME = "identity.access";
    /** Client address, time, method, path (no query), protocol, status, bytes sent, latency in ms. */
    public static final String FORMAT = "%{client}a - %t \"%m %U %H\" %s %O %{ms}Tms";

    private AccessLog() {
    }

    public static RequestLog create() {
        Slf4jRequestLogWriter writer = new Slf4jRequestLogWriter();
        writer.setLoggerName(LOGGER_NAME);
        return new CustomRequestLog(writer, FORMAT);
    }
}
