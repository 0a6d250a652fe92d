package dev.identityservice.server.admin;

import dev.identityservice.core.Printable;
import dev.identityservice.server.http.Form;
import jakarta.ws.rs.core.UriInfo;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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

    /** Loads rows matching filters: {@code limit} of them from {@code offset}. */
    @FunctionalInterface
    interface FilteredRows<S> {
        /** @param filters the filter parameters given, each with a non-empty value */
        List<S> load(Map<String, String> filters, int offset, int limit);
    }

    /** The page the {@code offset} and {@code limit} query parameters ask for, of a list without filters. */
    static <S, T> Page<T> load(UriInfo uri, Rows<S> rows, Function<S, T> view) {
        return load(uri, Set.of(), (filters, offset, limit) -> rows.load(offset, limit), view);
    }

    /**
     * The page the {@code offset} and {@code limit} query parameters ask for, of the rows matching the filter
     * parameters given (of {@code filterNames}). A bad, repeated or empty parameter, a filter with a control
     * character, and any parameter that is neither, is a 400 naming it: a misspelt filter must not answer the
     * whole list as if it matched. It loads
     * {@code limit + 1} rows: the extra row only tells that there is a next page, without a count query.
     */
    static <S, T> Page<T> load(UriInfo uri, Set<String> filterNames, FilteredRows<S> rows, Function<S, T> view) {
        // Our strict parser, not @QueryParam: Jersey would silently take the first of two offsets.
        String query = uri.getRequestUri().getRawQuery();
        Form parameters = Form.parse(query == null ? new byte[0] : query.getBytes(StandardCharsets.US_ASCII));
        Set<String> known = new TreeSet<>(filterNames);
        known.add("offset");
        known.add("limit");
        Map<String, String> given = parameters.singleValued(known);
        Map<String, String> filters = new TreeMap<>();
        for (Map.Entry<String, String> parameter : given.entrySet()) {
            String name = parameter.getKey();
            if (!known.contains(name)) {
                throw AdminErrors.invalid("Unknown query parameter '" + Printable.of(name) + "'; this list takes " + String.join(", ", known));
            }
            if (filterNames.contains(name)) {
                if (parameter.getValue().isEmpty()) {
                    throw AdminErrors.invalid("Query parameter '" + name + "' must not be empty");
                }
                // No stored name, id or event field holds one, and PostgreSQL refuses NUL in text (a 500 otherwise).
                if (parameter.getValue().codePoints().anyMatch(Character::isISOControl)) {
                    throw AdminErrors.invalid("Query parameter '" + name + "' must not contain control characters");
                }
                filters.put(name, parameter.getValue());
            }
        }
        int offset = AdminErrors.intParam("offset", given.get("offset"), 0, 0, Integer.MAX_VALUE - MAX_LIMIT - 1);
        int limit = AdminErrors.intParam("limit", given.get("limit"), DEFAULT_LIMIT, 1, MAX_LIMIT);
        return of(rows.load(filters, offset, limit + 1), offset, limit, view);
    }

    private static <S, T> Page<T> of(List<S> fetched, int offset, int limit, Function<S, T> view) {
        boolean more = fetched.size() > limit;
        List<T> items = fetched.stream().limit(limit).map(view).toList();
        return new Page<>(items, more ? offset + limit : null);
    }
}
