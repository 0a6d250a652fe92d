package dev.identityservice.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A browser stand-in: keeps cookies, never follows redirects, reads the login form out of the page. */
public final class Browser {

    private static final Pattern FORM_ACTION = Pattern.compile("<form method=\"post\" action=\"([^\"]*)\"");
    private static final Pattern HIDDEN = Pattern.compile("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\">");

    public final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient http = HttpClient.newBuilder().cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    /** A login form: where it posts and its hidden fields (HTML entities decoded). */
    public record LoginForm(URI action, Map<String, String> fields) {

        /** The form as a browser would post it with these credentials. */
        public String withCredentials(String username, String password) {
            Map<String, String> all = new LinkedHashMap<>(fields);
            all.put("username", username);
            all.put("password", password);
            all.put("action", "login");
            return encode(all);
        }
    }

    public HttpResponse<String> get(URI uri) {
        return send(HttpRequest.newBuilder(uri).GET());
    }

    public HttpResponse<String> post(URI uri, String form) {
        return send(HttpRequest.newBuilder(uri).header("Content-Type", TestServer.FORM).POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    public HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The login form of {@code page}; fails the test when there is none. */
    public static LoginForm loginForm(String page) {
        Matcher action = FORM_ACTION.matcher(page);
        if (!action.find()) {
            throw new AssertionError("no login form in: " + page);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher hidden = HIDDEN.matcher(page);
        while (hidden.find()) {
            fields.put(unescape(hidden.group(1)), unescape(hidden.group(2)));
        }
        return new LoginForm(URI.create(unescape(action.group(1))), fields);
    }

    public static String encode(Map<String, String> fields) {
        String[] pairs = new String[fields.size() * 2];
        int i = 0;
        for (Map.Entry<String, String> field : fields.entrySet()) {
            pairs[i++] = field.getKey();
            pairs[i++] = field.getValue();
        }
        return TestServer.form(pairs);
    }

    private static String unescape(String html) {
        return html.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&");
    }
}
