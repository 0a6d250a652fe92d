package dev.identityservice.server.admin;

import dev.identityservice.server.http.Form;
import jakarta.ws.rs.core.UriInfo;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

/**
 * One page of a list: the items and the {@code offset} of the next page, absent on the last one.
 *
 * @param items      at most {@code limit} items
 * @param nextOffset where the next page starts, or null when there is none
 */
record Page<T>(List<T> items, Integer nextOffset) {

    /** The default page size. */
    static final int DEFAULT_LIMIT = 50;
    /** The largest page size, so that one request can never load a whole tenant. */
    static final int MAX_LIMIT = 200;

    /** Loads rows: {@code limit} of them from {@code offset}. */
    @FunctionalInterface
    interface Rows<S> {
        List<S> load(int offset, int limit);
    }

    /**
     * The page the {@code offset} and {@code limit} query parameters ask for (400 naming a bad or repeated one;
     * other query parameters are ignored). It loads
     * {@code limit + 1} rows: the extra row only tells that there is a next page, without a count query.
     */
    static <S, T> Page<T> load(UriInfo uri, Rows<S> rows, Function<S, T> view) {
        // Our strict parser, not @QueryParam: Jersey would silently take the first of two offsets.
        String query = uri.getRequestUri().getRawQuery();
        Form parameters = Form.parse(query == null ? new byte[0] : query.getBytes(StandardCharsets.US_ASCII));
        int offset = AdminErrors.intParam("offset", parameters.get("offset"), 0, 0, Integer.MAX_VALUE - MAX_LIMIT - 1);
        int limit = AdminErrors.intParam("limit", parameters.get("limit"), DEFAULT_LIMIT, 1, MAX_LIMIT);
        return of(rows.load(offset, limit + 1), offset, limit, view);
    }

    private static <S, T> Page<T> of(List<S> fetched, int offset, int limit, Function<S, T> view) {
        boolean more = fetched.size() > limit;
        List<T> items = fetched.stream().limit(limit).map(view).toList();
        return new Page<>(items, more ? offset + limit : null);
    }
}
