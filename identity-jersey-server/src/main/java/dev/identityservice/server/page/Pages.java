package dev.identityservice.server.page;

import dev.identityservice.core.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * The texts of the server's pages (OIDC Core §3.1.2.3 leaves the login UI to the provider): a login form,
 * a message page for errors and for "signed out", and the form-post response. Minimal inline CSS; no script but
 * the form-post page's one line, which its CSP allows by hash.
 */
public final class Pages {

    private static final Template LAYOUT = Template.of("""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="referrer" content="no-referrer">
            <title>{{title}}</title>
            <style>
            body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:#f4f5f7;color:#1f2328;margin:0}
            main{max-width:22rem;margin:10vh auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.12)}
            h1{font-size:1.3rem;margin:0 0 1rem}
            p{line-height:1.4}
            label{display:block;margin:.8rem 0 .3rem;font-size:.9rem}
            input[type=text],input[type=password]{box-sizing:border-box;width:100%;padding:.55rem;border:1px solid #c4c9d0;border-radius:4px;font-size:1rem}
            .actions{display:flex;gap:.5rem;margin-top:1.2rem}
            button{flex:1;padding:.6rem;border:0;border-radius:4px;font-size:1rem;cursor:pointer;background:#0b5cd5;color:#fff}
            button.secondary{background:#e4e7eb;color:#1f2328}
            .error{background:#fde8e8;color:#8a1c1c;padding:.6rem;border-radius:4px;font-size:.9rem}
            .client{color:#57606a;font-size:.9rem}
            .logo{display:block;max-width:100%;max-height:4rem;margin:0 auto 1rem}
            .links{font-size:.85rem;margin-top:1rem;display:flex;gap:1rem;justify-content:center}
            </style>
            </head>
            <body><main>
            {{content}}
            </main></body>
            </html>
            """);

    private static final Template LOGIN = Template.of("""
            {{logo}}<h1>Sign in</h1>
            <p class="client">to continue to <strong>{{client}}</strong></p>
            {{error}}
            <form method="post" action="{{action}}" autocomplete="on">
            {{hidden}}
            <label for="username">Username</label>
            <input type="text" id="username" name="username" value="{{username}}" autocomplete="username" autocapitalize="none" required autofocus>
            <label for="password">Password</label>
            <input type="password" id="password" name="password" autocomplete="current-password" required>
            <div class="actions">
            <button type="submit" name="action" value="login">Sign in</button>
            <button type="submit" name="action" value="cancel" class="secondary" formnovalidate>Cancel</button>
            </div>
            </form>
            {{links}}""");

    private static final Template LOGO = Template.of("<img class=\"logo\" src=\"{{src}}\" alt=\"{{alt}}\">\n");
    private static final Template LINK = Template.of(
            "<a href=\"{{href}}\" target=\"_blank\" rel=\"noopener noreferrer\">{{text}}</a>");

    private static final Template CONFIRM_LOGOUT = Template.of("""
            <h1>Sign out?</h1>
            <p>An application asks to sign you out{{client}}.</p>
            {{notice}}<form method="post" action="{{action}}">
            {{hidden}}
            <div class="actions">
            <button type="submit" name="confirm" value="yes">Sign out</button>
            <button type="submit" name="confirm" value="no" class="secondary">Stay signed in</button>
            </div>
            </form>
            """);

    private static final Template MESSAGE = Template.of("""
            <h1>{{title}}</h1>
            <p>{{message}}</p>
            """);

    /**
     * The one script any page of this server runs: it submits the form-post response. Allowed by its hash in the
     * page's CSP ({@link #AUTO_SUBMIT_SCRIPT_HASH}), so that no other inline script could run there.
     */
    public static final String AUTO_SUBMIT_SCRIPT = "document.forms[0].submit()";
    /** The CSP Level 3 source of {@link #AUTO_SUBMIT_SCRIPT}: {@code 'sha256-<base64 of its SHA-256>'}. */
    public static final String AUTO_SUBMIT_SCRIPT_HASH = "'sha256-" + Base64.getEncoder().encodeToString(
            sha256(AUTO_SUBMIT_SCRIPT)) + "'";

    private static final Template FORM_POST = Template.of("""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="referrer" content="no-referrer">
            <title>Continue</title>
            </head>
            <body>
            <form method="post" action="{{action}}">
            {{hidden}}
            <noscript><p>Scripts are off in this browser: press Continue to return to the application.</p>
            <button type="submit">Continue</button></noscript>
            </form>
            <script>{{script}}</script>
            </body>
            </html>
            """);

    private static final Template ERROR_BOX = Template.of("<p class=\"error\" role=\"alert\">{{message}}</p>");
    private static final Template HIDDEN = Template.of("<input type=\"hidden\" name=\"{{name}}\" value=\"{{value}}\">\n");

    private Pages() {
    }

    /**
     * The login form.
     *
     * @param hidden the fields the form posts back unchanged (the authorization request and the CSRF token)
     * @param error  a message above the form, or {@code null}
     */
    public static String login(String clientName, String action, Map<String, String> hidden, String username, String error) {
        return login(clientName, action, hidden, username, error, null, null, null);
    }

    /**
     * The login page with what the client registered to be shown to the user (OIDC Dynamic Client Registration
     * 1.0 §2: the OP SHOULD display {@code logo_uri} during approval, and {@code policy_uri} and {@code tos_uri}
     * as links). The caller's page CSP must allow the logo's origin as an image source.
     *
     * @param logoUri   the client's logo, or {@code null}
     * @param policyUri the client's privacy policy, or {@code null}
     * @param tosUri    the client's terms of service, or {@code null}
     */
    public static String login(String clientName, String action, Map<String, String> hidden, String username, String error,
                               String logoUri, String policyUri, String tosUri) {
        StringBuilder fields = new StringBuilder();
        hidden.forEach((name, value) -> fields.append(HIDDEN.render(Map.of("name", name, "value", value))));
        StringBuilder links = new StringBuilder();
        if (policyUri != null) {
            links.append(LINK.render(Map.of("href", policyUri, "text", "Privacy policy of " + clientName)));
        }
        if (tosUri != null) {
            links.append(LINK.render(Map.of("href", tosUri, "text", "Terms of service of " + clientName)));
        }
        String content = LOGIN.render(Map.of(
                "logo", new Html.Safe(logoUri == null ? "" : LOGO.render(Map.of("src", logoUri, "alt", "Logo of " + clientName))),
                "links", new Html.Safe(links.isEmpty() ? "" : "<p class=\"links\">" + links + "</p>\n"),
                "client", clientName,
                "error", new Html.Safe(error == null ? "" : ERROR_BOX.render(Map.of("message", error))),
                "action", action,
                "hidden", new Html.Safe(fields.toString()),
                "username", username == null ? "" : username));
        return LAYOUT.render(Map.of("title", "Sign in", "content", new Html.Safe(content)));
    }

    /**
     * The question RP-Initiated Logout 1.0 §2 requires when the request names no ID token: a site could
     * otherwise sign users out by merely linking here.
     *
     * @param clientName the application that asks, or {@code null} when unknown
     */
    public static String confirmLogout(String clientName, String action, Map<String, String> hidden) {
        return confirmLogout(clientName, action, hidden, null);
    }

    /**
     * {@link #confirmLogout(String, String, Map)} with a notice above the buttons, e.g. that the application's
     * return address is not registered, so that the browser stays here after signing out.
     *
     * @param notice plain text (escaped here), or {@code null} for none
     */
    public static String confirmLogout(String clientName, String action, Map<String, String> hidden, String notice) {
        StringBuilder fields = new StringBuilder();
        hidden.forEach((name, value) -> fields.append(HIDDEN.render(Map.of("name", name, "value", value))));
        String content = CONFIRM_LOGOUT.render(Map.of(
                "client", new Html.Safe(clientName == null ? "" : " (" + Html.escape(clientName) + ")"),
                "notice", new Html.Safe(notice == null ? "" : "<p class=\"error\">" + Html.escape(notice) + "</p>\n"),
                "action", action,
                "hidden", new Html.Safe(fields.toString())));
        return LAYOUT.render(Map.of("title", "Sign out?", "content", new Html.Safe(content)));
    }

    /**
     * The OAuth 2.0 Form Post Response Mode page (§2): a form of {@code parameters} that posts itself to
     * {@code action} (the client's redirect URI), with a button for browsers without scripts.
     */
    public static String formPost(String action, Map<String, String> parameters) {
        StringBuilder fields = new StringBuilder();
        parameters.forEach((name, value) -> fields.append(HIDDEN.render(Map.of("name", name, "value", value))));
        return FORM_POST.render(Map.of("action", action, "hidden", new Html.Safe(fields.toString()),
                "script", new Html.Safe(AUTO_SUBMIT_SCRIPT)));
    }

    private static byte[] sha256(String text) {
        return Sha256.digest(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A page with a heading and one sentence: errors, and "signed out". */
    public static String message(String title, String message) {
        return LAYOUT.render(Map.of("title", title,
                "content", new Html.Safe(MESSAGE.render(Map.of("title", title, "message", message)))));
    }
}
