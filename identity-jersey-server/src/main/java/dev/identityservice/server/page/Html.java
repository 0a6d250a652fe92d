package dev.identityservice.server.page;

import dev.identityservice.server.error.ErrorResponses;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Objects;

/**
 * HTML output with the OWASP XSS rule #1 and #2 escaping, and the security headers every page of this server
 * carries (CSP Level 3, RFC 7034 {@code X-Frame-Options}, Referrer-Policy, RFC 9111 {@code no-store}).
 */
public final class Html {

    public static final String CONTENT_TYPE = "text/html; charset=utf-8";

    /** Markup that is already safe: built here from escaped parts, so a template inserts it as is. */
    public record Safe(String markup) {
        public Safe {
            Objects.requireNonNull(markup, "markup");
        }
    }

    private Html() {
    }

    /**
     * The text with {@code & < > " '} replaced by character references: safe in element content and in
     * quoted attribute values, the only two places templates put user input.
     */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * A page with the security headers: no script, no framing, no referrer, never cached.
     *
     * @param formTargets extra CSP {@code form-action} sources besides {@code 'self'}: Chrome applies
     *                    {@code form-action} to the redirect that follows a form post, so the login page must
     *                    allow the origin of the client's redirect URI or the final 302 is blocked
     */
    public static Response page(int status, String html, String formTargets) {
        return page(status, html, formTargets, null);
    }

    /**
     * {@link #page(int, String, String)} that may also show an image from {@code imageSource} (a CSP source such as
     * {@code https://cdn.example.com}, or {@code null}): the logo a client registered for its login page.
     */
    public static Response page(int status, String html, String formTargets, String imageSource) {
        String formAction = formTargets == null || formTargets.isEmpty() ? "'self'" : "'self' " + formTargets;
        String images = imageSource == null ? "'self'" : "'self' " + imageSource;
        return secured(status, html, "default-src 'none'; style-src 'unsafe-inline'; img-src " + images + "; "
                + "form-action " + formAction + "; frame-ancestors 'none'; base-uri 'none'");
    }

    /**
     * The form-post response page ({@link Pages#formPost}): the same headers, with a CSP that runs exactly the
     * auto-submit script (by its hash, CSP Level 3 §2.3.1) and lets the form go only to {@code formTarget}.
     */
    public static Response autoSubmit(String html, String formTarget) {
        return secured(200, html, "default-src 'none'; script-src " + Pages.AUTO_SUBMIT_SCRIPT_HASH + "; form-action "
                + formTarget + "; frame-ancestors 'none'; base-uri 'none'");
    }

    private static Response secured(int status, String html, String csp) {
        return Response.status(status)
                .type(CONTENT_TYPE)
                .entity(html)
                .header("Content-Security-Policy", csp)
                .header("X-Frame-Options", "DENY")
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header(HttpHeaders.CACHE_CONTROL, ErrorResponses.NO_STORE)
                .header("Pragma", "no-cache")
                .build();
    }
}
