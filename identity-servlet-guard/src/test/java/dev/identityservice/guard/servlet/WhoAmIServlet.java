package dev.identityservice.guard.servlet;

import dev.identityservice.guard.VerifiedToken;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Servlet code written for container security: it only uses the standard request methods. */
public class WhoAmIServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getServletPath().equals("/api") && "/reports".equals(request.getPathInfo())
                && !request.isUserInRole("analyst")) {
            response.sendError(HttpServletResponse.SC_FORBIDDEN);
            return;
        }
        response.setContentType("text/plain");
        response.getWriter().print("user=" + request.getRemoteUser()
                + ";admin=" + request.isUserInRole("admin")
                + ";authType=" + request.getAuthType()
                + ";token=" + (request.getUserPrincipal() instanceof VerifiedToken));
    }
}
