package dev.identityservice.sample;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /servlet/whoami}: plain servlet code, unaware of tokens, asking the standard questions
 * ({@code getUserPrincipal}, {@code getRemoteUser}, {@code isUserInRole}) that the filter answers.
 */
public final class WhoAmIServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("principal", request.getUserPrincipal() == null ? null : request.getUserPrincipal().getName());
        answer.put("remoteUser", request.getRemoteUser());
        answer.put("authType", request.getAuthType());
        answer.put("isUser", request.isUserInRole("user"));
        answer.put("isAdmin", request.isUserInRole("admin"));
        Json.write(response, answer);
    }
}
