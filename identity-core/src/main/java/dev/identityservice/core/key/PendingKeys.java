package dev.identityservice.core.key;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A tenant's keys while one transaction changes them: the current view, and the
 * {@link KeyChange} that turns the stored keys into it.
 */
final class PendingKeys {

    private final Map<String, SigningKey> current = new LinkedHashMap<>();
    private final Map<String, SigningKey> added = new LinkedHashMap<>();
    private final Map<String, SigningKey> changed = new LinkedHashMap<>();
    private final Set<String> purged = new LinkedHashSet<>();

    PendingKeys(List<SigningKey> stored) {
        stored.forEach(key -> current.put(key.kid(), key));
    }

    Optional<SigningKey> find(String kid) {
        return Optional.ofNullable(current.get(kid));
    }

    List<SigningKey> inState(KeyState state) {
        return current.values().stream().filter(key -> key.state() == state).toList();
    }

    void add(SigningKey key) {
        current.put(key.kid(), key);
        added.put(key.kid(), key);
    }

    void change(SigningKey key) {
        if (!current.containsKey(key.kid())) {
            throw new IllegalArgumentException("no key " + key.kid() + " to change");
        }
        current.put(key.kid(), key);
        // A key added in this same change is inserted in its final state.
        (added.containsKey(key.kid()) ? added : changed).put(key.kid(), key);
    }

    void purge(String kid) {
        current.remove(kid);
        changed.remove(kid);
        if (added.remove(kid) == null) {
            purged.add(kid);
        }
    }

    KeyChange toChange() {
        return new KeyChange(new ArrayList<>(added.values()), new ArrayList<>(changed.values()), new ArrayList<>(purged));
    }
}
