package dev.identityservice.core.key;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One atomic change to a tenant's keys: rows to insert, rows whose state changed, kids to delete.
 *
 * @param added   new keys, inserted with their private parts sealed
 * @param changed existing keys whose state and state timestamps are updated
 * @param purged  kids of keys deleted for good
 */
public record KeyChange(List<SigningKey> added, List<SigningKey> changed, List<String> purged) {

    public static final KeyChange NONE = new KeyChange(List.of(), List.of(), List.of());

    public KeyChange {
        added = List.copyOf(added);
        changed = List.copyOf(changed);
        purged = List.copyOf(purged);
    }

    public boolean isEmpty() {
        return added.isEmpty() && changed.isEmpty() && purged.isEmpty();
    }

    /** The keys after this change, given the keys before it. */
    public List<SigningKey> applyTo(List<SigningKey> before) {
        Map<String, SigningKey> byKid = new LinkedHashMap<>();
        before.forEach(key -> byKid.put(key.kid(), key));
        changed.forEach(key -> byKid.put(key.kid(), key));
        added.forEach(key -> byKid.put(key.kid(), key));
        Set.copyOf(purged).forEach(byKid::remove);
        return List.copyOf(new ArrayList<>(byKid.values()));
    }

    @Override
    public String toString() {
        return "KeyChange[added=" + added.stream().map(SigningKey::kid).toList()
                + ", changed=" + changed.stream().map(k -> k.kid() + "->" + k.state()).toList()
                + ", purged=" + purged + "]";
    }
}
