package dev.identityservice.guard.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Real HTTP calls for the edge tests. */
public final class HttpCalls {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private HttpCalls() {
    }

    /** GETs {@code url} with the given {@code Authorization} header values (none, one or several). */
    public static HttpResponse<String> get(String url, String... authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
        for (String value : authorization) {
            request.header("Authorization", value);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends {@code method} to {@code url} with the given headers, name then value, and no body. */
    public static HttpResponse<String> send(String method, String url, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public static String challenge(HttpResponse<?> response) {
        return response.headers().firstValue("WWW-Authenticate").orElse(null);
    }
}
