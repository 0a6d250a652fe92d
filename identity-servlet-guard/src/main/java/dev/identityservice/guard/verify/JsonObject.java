package dev.identityservice.guard.verify;

import java.io.Serializable;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A JSON object (RFC 8259 §4) as the guard parsed it from a token or an introspection answer: an immutable map
 * of member names to values ({@link String}, {@link Boolean}, {@link Long}, {@link Double}, unmodifiable lists,
 * nested {@code JsonObject}s, or null: JSON null is a value, so {@link Map#copyOf} cannot hold it).
 *
 * <p>Immutable by construction: only the guard's parser creates one, over a map nobody else holds. So a {@code
 * VerifiedToken} keeps it as it is instead of copying every claim of every new token.
 */
public final class JsonObject extends AbstractMap<String, Object> implements Serializable {

    private static final long serialVersionUID = 1L;

    private final HashMap<String, Object> members;
    private final Map<String, Object> view;

    /** Takes ownership of {@code members}: the caller must drop its reference. */
    JsonObject(HashMap<String, Object> members) {
        this.members = members;
        this.view = Collections.unmodifiableMap(members);
    }

    @Override
    public Object get(Object name) {
        return members.get(name);
    }

    @Override
    public boolean containsKey(Object name) {
        return members.containsKey(name);
    }

    @Override
    public int size() {
        return members.size();
    }

    /**
     * Serialized as the unmodifiable {@link HashMap} the claims used to be (a session that holds them can still be
     * written), never as this class: deserialization then cannot make a {@code JsonObject} over a map someone else
     * holds.
     */
    private Object writeReplace() {
        return Collections.unmodifiableMap(new HashMap<>(members));
    }

    /** The members, read-only. */
    @Override
    public Set<Entry<String, Object>> entrySet() {
        return view.entrySet();
    }
}
