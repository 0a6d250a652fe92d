package dev.identityservice.guard.testing;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Placed before the guard, records how long each request held its request thread inside the
 * application (the guard included), in milliseconds, by its {@code Authorization} header: the server's
 * view, free of the client's own queueing.
 */
public final class HoldTimeFilter implements Filter {
    public static final Map<String, Long> MILLIS = new ConcurrentHashMap<>();

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        long start = System.nanoTime();
        try {
            chain.doFilter(request, response);
        } finally {
            String authorization = ((HttpServletRequest) request).getHeader("Authorization");
            if (authorization != null) {
                MILLIS.put(authorization, (System.nanoTime() - start) / 1_000_000);
            }
        }
    }
}
