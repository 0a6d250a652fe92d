package dev.identityservice.sample;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code GET /callback}: the page's redirect URI. It serves the page itself, which finds {@code
 * code} and {@code state} in its address; a forward, so that the query stays where the script reads it.
 */
public final class CallbackServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        // The authorization code is in this address: it must not leak to other sites or caches.
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Cache-Control", "no-store");
        request.getRequestDispatcher("/index.html").forward(request, response);
    }
}
