package dev.identityservice.sample;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** {@code GET /config.json}: the {@link PageConfig}, read once at start-up. */
public final class PageConfigServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private transient PageConfig config;

    @Override
    public void init() throws ServletException {
        try {
            config = PageConfig.of(GuardSettings.of(getServletContext()), this::getInitParameter);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ServletException(getServletName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Json.write(response, config.toJson());
    }
}
