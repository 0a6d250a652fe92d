package dev.identityservice.server.login;

import static dev.identityservice.server.testing.TestServer.form;

import dev.identityservice.core.user.Argon2idParameters;
import dev.identityservice.core.user.Argon2idPasswordHasher;
import dev.identityservice.server.testing.Browser;
import dev.identityservice.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.util.concurrent.CompletableFuture;

/**
 * Logins over HTTP as seen through a reverse proxy: the test client is the server's trusted proxy
 * ({@code proxy.trusted=127.0.0.1}), so {@code X-Forwarded-For} names the client address of each request.
 */
final class LoginHttp {

    static final String CLIENT = "web";
    static final String REDIRECT = "https://app.example.com/callback";

    private final TestServer server;

    LoginHttp(TestServer server) {
        this.server = server;
    }

    /**
     * Gives {@code username} a stored hash far costlier than the server's (m = 32 MiB, t = 8): its logins hash for
     * long enough (about a second) to be seen running.
     */
    void giveCostlyHash(String username) {
        String costly = new Argon2idPasswordHasher(new Argon2idParameters(32 * 1024, 8, 1, 16, 32), new SecureRandom())
                .hash(TestServer.PASSWORD.toCharArray());
        server.server.engine().database().withConnection(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE users SET password_hash = ? WHERE username = ?")) {
                update.setString(1, costly);
                update.setString(2, username);
                return update.executeUpdate();
            }
        });
    }

    /** Waits until {@code hasher} runs a hash (at most 30 s). */
    static void awaitHashing(Argon2idPasswordHasher hasher) throws InterruptedException {
        await(() -> hasher.hashesRunning() > 0, "the slow login never started hashing");
    }

    /** Waits until {@code hasher} has a login waiting for a slot (at most 30 s). */
    static void awaitWaitingForAHash(Argon2idPasswordHasher hasher) throws InterruptedException {
        await(() -> hasher.hashesWaiting() > 0, "no login ever queued for a hash slot");
    }

    private static void await(java.util.function.BooleanSupplier condition, String failure) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(failure);
            }
            Thread.sleep(1);
        }
    }

    /** A password grant of {@code username} from client {@code address}. */
    HttpResponse<String> passwordGrant(String address, String username, String password) {
        return server.send(tokenRequest(address, username, password));
    }

    CompletableFuture<HttpResponse<String>> passwordGrantAsync(String address, String username, String password) {
        return server.http.sendAsync(tokenRequest(address, username, password).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder tokenRequest(String address, String username, String password) {
        return HttpRequest.newBuilder(server.uri("/oauth2/token"))
                .header("Content-Type", TestServer.FORM)
                .header("Authorization", TestServer.basic(CLIENT, TestServer.SECRET))
                .header("X-Forwarded-For", address)
                .POST(HttpRequest.BodyPublishers.ofString(form("grant_type", "password", "username", username,
                        "password", password, "scope", "openid")));
    }

    /** The login page of an authorization request ({@code prompt=login}: even a signed-in browser gets it), from {@code address}. */
    Browser.LoginForm loginForm(Browser browser, String address) {
        URI authorize = server.uri("/oauth2/authorize?" + form("response_type", "code", "client_id", CLIENT,
                "redirect_uri", REDIRECT, "state", "s", "scope", "openid", "prompt", "login"));
        HttpResponse<String> page = browser.send(HttpRequest.newBuilder(authorize).header("X-Forwarded-For", address).GET());
        return Browser.loginForm(page.body());
    }

    /** Posts {@code form} with these credentials from {@code address} (to this server, whatever the issuer's host). */
    HttpResponse<String> submit(Browser browser, Browser.LoginForm form, String address, String username, String password) {
        return browser.send(HttpRequest.newBuilder(server.uri(form.action().getRawPath()))
                .header("Content-Type", TestServer.FORM)
                .header("X-Forwarded-For", address)
                .POST(HttpRequest.BodyPublishers.ofString(form.withCredentials(username, password))));
    }

    /** A whole browser login from {@code address}: the login page, then the form. */
    HttpResponse<String> browserLogin(Browser browser, String address, String username, String password) {
        return submit(browser, loginForm(browser, address), address, username, password);
    }

    static boolean throttled(HttpResponse<String> response) {
        return response.body().contains("Too many failed attempts");
    }
}
