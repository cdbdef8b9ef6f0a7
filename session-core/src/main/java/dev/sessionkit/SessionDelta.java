package dev.sessionkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What one request changed in a session, so that a store writes only that.
 *
 * <p>A store applies a delta atomically, in this order: remove {@link #removed()} keys, set
 * {@link #set()} values, then add each of {@link #increments()} to the current value (a missing
 * value, or one that is not an integer, counts as 0). Because the merge happens inside the store,
 * concurrent requests that change different attributes, or increment the same counter, never lose
 * each other's writes.
 *
 * @param set               attributes to set
 * @param removed           attributes to remove
 * @param increments        counters to add to
 * @param principalChanged  whether {@link #principal()} is to be written
 * @param principal         the new principal (null signs out) when {@code principalChanged}
 * @param absoluteExpiresAt a new absolute expiry, or null to keep it
 * @param idleTimeout       a new idle timeout, or null to keep it; with a touch, the touch's idle
 *                          expiry then replaces the stored one even when earlier (the only write
 *                          that may move an expiry backwards)
 * @param touch             a new access time and idle expiry, or null to leave them
 */
public record SessionDelta(
        Map<String, JsonNode> set,
        Set<String> removed,
        Map<String, Long> increments,
        boolean principalChanged,
        String principal,
        Instant absoluteExpiresAt,
        Duration idleTimeout,
        Touch touch) {

    private static final SessionDelta EMPTY = new SessionDelta(Map.of(), Set.of(), Map.of(), false, null, null, null,
            null);

    /**
     * @throws NullPointerException if a collection is null
     * @throws IllegalArgumentException if a principal is given without {@code principalChanged}
     */
    public SessionDelta {
        set = Map.copyOf(Objects.requireNonNull(set, "set"));
        removed = Set.copyOf(Objects.requireNonNull(removed, "removed"));
        increments = Map.copyOf(Objects.requireNonNull(increments, "increments"));
        if (!principalChanged && principal != null) {
            throw new IllegalArgumentException("principal given but principalChanged is false");
        }
    }

    /** A delta that changes nothing. */
    public static SessionDelta empty() {
        return EMPTY;
    }

    /** True when applying this delta would change nothing. */
    public boolean isEmpty() {
        return set.isEmpty() && removed.isEmpty() && increments.isEmpty() && !principalChanged
                && absoluteExpiresAt == null && idleTimeout == null && touch == null;
    }

    /** True when the attributes change. */
    public boolean changesAttributes() {
        return !set.isEmpty() || !removed.isEmpty() || !increments.isEmpty();
    }

    /** A copy that also writes {@code newTouch}. */
    public SessionDelta withTouch(Touch newTouch) {
        return new SessionDelta(set, removed, increments, principalChanged, principal, absoluteExpiresAt, idleTimeout,
                newTouch);
    }

    /** Applies the attribute part of this delta to {@code attributes}, in the documented order. */
    public Map<String, JsonNode> mergeInto(Map<String, JsonNode> attributes) {
        if (!changesAttributes()) {
            return attributes;
        }
        Map<String, JsonNode> merged = new HashMap<>(attributes);
        removed.forEach(merged::remove);
        merged.putAll(set);
        increments.forEach((name, by) -> merged.put(name, numberNode(integerOrZero(merged.get(name)) + by)));
        return merged;
    }

    /** The node a JSON parser would produce for {@code value}: an int node when it fits, else a long node. */
    static JsonNode numberNode(long value) {
        return value == (int) value ? JsonNodeFactory.instance.numberNode((int) value)
                : JsonNodeFactory.instance.numberNode(value);
    }

    /** The value an increment starts from: the integer stored, or 0. */
    public static long integerOrZero(JsonNode node) {
        return node != null && node.isIntegralNumber() && node.canConvertToLong() ? node.longValue() : 0L;
    }

    /** Leaves values out, so a delta can be logged. */
    @Override
    public String toString() {
        return "SessionDelta[set=" + set.keySet() + ", removed=" + removed + ", increments=" + increments.keySet()
                + ", principalChanged=" + principalChanged + ", touch=" + (touch != null) + "]";
    }
}
