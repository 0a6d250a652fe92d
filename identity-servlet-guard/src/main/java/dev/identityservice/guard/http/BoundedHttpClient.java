package dev.identityservice.guard.http;

import dev.identityservice.guard.GuardConfig.HttpSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An HTTP client for calls to the issuer, bounded in connect time, whole-response time and body
 * size. Redirects are not followed: the issuer's metadata names its endpoints exactly.
 */
public final class BoundedHttpClient {

    private final HttpClient client;
    private final Duration readTimeout;
    private final int maxResponseBytes;

    public BoundedHttpClient(HttpSettings settings) {
        this.client = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.readTimeout = settings.readTimeout();
        this.maxResponseBytes = settings.maxResponseBytes();
    }

    /** The whole-response time limit of an ordinary call. */
    public Duration readTimeout() {
        return readTimeout;
    }

    /** GETs a JSON document. */
    public HttpDocument get(URI uri) throws IOException {
        return send(HttpRequest.newBuilder(uri).header("Accept", "application/json").GET());
    }

    /** POSTs a form (RFC 6749 Appendix B encoding already applied) with an {@code Authorization} header. */
    public HttpDocument postForm(URI uri, String form, String authorization) throws IOException {
        return send(HttpRequest.newBuilder(uri)
                .header("Accept", "application/json")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8)));
    }

    /**
     * POSTs a JSON body with an {@code Authorization} header, waiting at most {@code timeout} for the whole
     * response (a long poll, RFC 8936 §2.4, is held by the server up to its own wait).
     */
    public HttpDocument postJson(URI uri, String json, String authorization, Duration timeout) throws IOException {
        return send(HttpRequest.newBuilder(uri)
                .header("Accept", "application/json")
                .header("Content-Type", "application/json")
                .header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)), timeout);
    }

    /** DELETEs {@code uri} with an {@code Authorization} header. */
    public HttpDocument delete(URI uri, String authorization) throws IOException {
        return send(HttpRequest.newBuilder(uri).header("Authorization", authorization).DELETE());
    }

    private HttpDocument send(HttpRequest.Builder request) throws IOException {
        return send(request, readTimeout);
    }

    private HttpDocument send(HttpRequest.Builder request, Duration readTimeout) throws IOException {
        CompletableFuture<HttpResponse<byte[]>> pending =
                client.sendAsync(request.timeout(readTimeout).build(), this::cappedBody);
        try {
            // The request timeout only covers the headers; this bounds the body as well.
            HttpResponse<byte[]> response = pending.get(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return new HttpDocument(response.statusCode(), new String(response.body(), StandardCharsets.UTF_8),
                    HttpDocument.maxAgeOf(response.headers().firstValue("Cache-Control").orElse(null)));
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw noCompleteResponse(readTimeout, e);
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof HttpTimeoutException timeout && !(timeout instanceof HttpConnectTimeoutException)) {
                // the same deadline as above, seen first by the client (connecting has a timeout of its own)
                throw noCompleteResponse(readTimeout, timeout);
            }
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    private static IOException noCompleteResponse(Duration readTimeout, Exception cause) {
        return new IOException("no complete response within " + readTimeout, cause);
    }

    private HttpResponse.BodySubscriber<byte[]> cappedBody(HttpResponse.ResponseInfo info) {
        long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (declared > maxResponseBytes) {
            return new CappedBody(0);
        }
        return new CappedBody(maxResponseBytes);
    }

    /** Collects the body and gives up once it exceeds the cap. */
    private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int cap;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        private Flow.Subscription subscription;

        CappedBody(int cap) {
            this.cap = cap;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            if (cap == 0) {
                tooLarge();
                return;
            }
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                if (bytes.size() + buffer.remaining() > cap) {
                    tooLarge();
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toByteArray());
        }

        private void tooLarge() {
            subscription.cancel();
            result.completeExceptionally(new IOException("response larger than the cap"));
        }
    }
}
