package dev.sessionkit.memory;

import dev.sessionkit.LookupKey;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Principal to the keys of its sessions. The store changes a key's entries only while it holds
 * that key's slot in the cache (inside {@code compute}, or in Caffeine's eviction listener, which
 * runs under the same lock), so the index never disagrees with the cache for long; readers still
 * re-check every key they get, since they read the two without a common lock.
 */
final class PrincipalIndex {

    private final ConcurrentHashMap<String, Set<LookupKey>> keysByPrincipal = new ConcurrentHashMap<>();

    void add(String principal, LookupKey key) {
        if (principal != null) {
            keysByPrincipal.compute(principal, (p, keys) -> {
                Set<LookupKey> result = keys != null ? keys : ConcurrentHashMap.newKeySet();
                result.add(key);
                return result;
            });
        }
    }

    void remove(String principal, LookupKey key) {
        if (principal != null) {
            keysByPrincipal.computeIfPresent(principal, (p, keys) -> {
                keys.remove(key);
                return keys.isEmpty() ? null : keys;
            });
        }
    }

    /** A copy of the keys filed under {@code principal}; empty when there are none. */
    Set<LookupKey> keys(String principal) {
        Set<LookupKey> keys = keysByPrincipal.get(principal);
        return keys == null ? Set.of() : Set.copyOf(keys);
    }

    /** How many keys the index holds in all; for tests. */
    int size() {
        return keysByPrincipal.values().stream().mapToInt(Set::size).sum();
    }

    void clear() {
        keysByPrincipal.clear();
    }
}
