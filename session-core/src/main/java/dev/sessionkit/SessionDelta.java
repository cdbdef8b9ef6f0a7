package dev.sessionkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
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
 * <p><b>Building.</b> Deltas are made with {@link #builder()} (or {@link #toBuilder()} for a
 * changed copy); the constructor is private. <b>Compatibility promise:</b> a component added in a
 * later version gets a default in the builder that changes nothing, so a store or test written
 * against the builder keeps compiling and linking.
 *
 * <p>Equal when every component is equal. {@link #toString()} leaves values and the principal
 * out, so a delta can be logged.
 */
public final class SessionDelta {

    private static final SessionDelta EMPTY = builder().build();

    private final Map<String, JsonNode> set;
    private final Set<String> removed;
    private final Map<String, Long> increments;
    private final boolean principalChanged;
    private final String principal;
    private final Instant absoluteExpiresAt;
    private final Duration idleTimeout;
    private final Touch touch;

    private SessionDelta(Map<String, JsonNode> set, Set<String> removed, Map<String, Long> increments,
            boolean principalChanged, String principal, Instant absoluteExpiresAt, Duration idleTimeout, Touch touch) {
        this.set = set;
        this.removed = removed;
        this.increments = increments;
        this.principalChanged = principalChanged;
        this.principal = principal;
        this.absoluteExpiresAt = absoluteExpiresAt;
        this.idleTimeout = idleTimeout;
        this.touch = touch;
    }

    /** A builder of a delta that changes nothing until told to. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding every component of this delta, for a changed copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Attributes to set; unmodifiable, never null. */
    public Map<String, JsonNode> set() {
        return set;
    }

    /** Attributes to remove; unmodifiable, never null. */
    public Set<String> removed() {
        return removed;
    }

    /** Counters to add to; unmodifiable, never null. */
    public Map<String, Long> increments() {
        return increments;
    }

    /** Whether {@link #principal()} is to be written. */
    public boolean principalChanged() {
        return principalChanged;
    }

    /** The new principal when {@link #principalChanged()} ({@code null} signs out); else {@code null}. */
    public String principal() {
        return principal;
    }

    /** A new absolute expiry, or {@code null} to keep it. */
    public Instant absoluteExpiresAt() {
        return absoluteExpiresAt;
    }

    /**
     * A new idle timeout, or {@code null} to keep it; with a touch, the touch's idle expiry then
     * replaces the stored one even when earlier (the only write that may move an expiry backwards).
     */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** A new access time and idle expiry, or {@code null} to leave them. */
    public Touch touch() {
        return touch;
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
        return toBuilder().touch(newTouch).build();
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

    @Override
    public boolean equals(Object other) {
        return other == this || other instanceof SessionDelta that
                && principalChanged == that.principalChanged
                && set.equals(that.set)
                && removed.equals(that.removed)
                && increments.equals(that.increments)
                && Objects.equals(principal, that.principal)
                && Objects.equals(absoluteExpiresAt, that.absoluteExpiresAt)
                && Objects.equals(idleTimeout, that.idleTimeout)
                && Objects.equals(touch, that.touch);
    }

    @Override
    public int hashCode() {
        return Objects.hash(set, removed, increments, principalChanged, principal, absoluteExpiresAt, idleTimeout,
                touch);
    }

    /** Leaves values out, so a delta can be logged. */
    @Override
    public String toString() {
        return "SessionDelta[set=" + set.keySet() + ", removed=" + removed + ", increments=" + increments.keySet()
                + ", principalChanged=" + principalChanged + ", touch=" + (touch != null) + "]";
    }

    /**
     * Builds a {@link SessionDelta}. Setters only record their argument; {@link #build()} checks
     * everything at once. Not thread-safe; a builder can build several deltas.
     */
    public static final class Builder {

        private final Map<String, JsonNode> set = new LinkedHashMap<>();
        private final Set<String> removed = new LinkedHashSet<>();
        private final Map<String, Long> increments = new LinkedHashMap<>();
        private boolean principalChanged;
        private String principal;
        private Instant absoluteExpiresAt;
        private Duration idleTimeout;
        private Touch touch;

        private Builder() {
        }

        private Builder(SessionDelta delta) {
            set.putAll(delta.set);
            removed.addAll(delta.removed);
            increments.putAll(delta.increments);
            principalChanged = delta.principalChanged;
            principal = delta.principal;
            absoluteExpiresAt = delta.absoluteExpiresAt;
            idleTimeout = delta.idleTimeout;
            touch = delta.touch;
        }

        /** Sets one attribute, replacing a value given before for the same name. */
        public Builder set(String name, JsonNode value) {
            set.put(name, value);
            return this;
        }

        /** Sets every attribute of {@code values}, as {@link #set(String, JsonNode)} does each. */
        public Builder setAll(Map<String, JsonNode> values) {
            set.putAll(values);
            return this;
        }

        /** Removes one attribute. */
        public Builder remove(String name) {
            removed.add(name);
            return this;
        }

        /** Removes every attribute named in {@code names}. */
        public Builder removeAll(Collection<String> names) {
            removed.addAll(names);
            return this;
        }

        /** Adds {@code by} to a counter; increments of the same name add up. */
        public Builder increment(String name, long by) {
            increments.merge(name, by, Math::addExact);
            return this;
        }

        /** Adds every increment of {@code values}, as {@link #increment(String, long)} does each. */
        public Builder incrementAll(Map<String, Long> values) {
            values.forEach(this::increment);
            return this;
        }

        /** Writes the principal; {@code null} signs out. */
        public Builder principal(String value) {
            this.principalChanged = true;
            this.principal = value;
            return this;
        }

        /** Leaves the principal as stored, undoing {@link #principal(String)}; the default. */
        public Builder keepPrincipal() {
            this.principalChanged = false;
            this.principal = null;
            return this;
        }

        /** A new absolute expiry, or {@code null} (the default) to keep it. */
        public Builder absoluteExpiresAt(Instant value) {
            this.absoluteExpiresAt = value;
            return this;
        }

        /** A new idle timeout, positive, or {@code null} (the default) to keep it. */
        public Builder idleTimeout(Duration value) {
            this.idleTimeout = value;
            return this;
        }

        /** A new access time and idle expiry, or {@code null} (the default) to leave them. */
        public Builder touch(Touch value) {
            this.touch = value;
            return this;
        }

        /**
         * Checks the components and returns the delta.
         *
         * @throws NullPointerException if a name or value in the collections is null
         * @throws IllegalArgumentException if an idle timeout is given and is not positive
         */
        public SessionDelta build() {
            if (idleTimeout != null && (idleTimeout.isNegative() || idleTimeout.isZero())) {
                throw new IllegalArgumentException("idleTimeout must be positive: " + idleTimeout);
            }
            return new SessionDelta(Map.copyOf(set), Set.copyOf(removed), Map.copyOf(increments), principalChanged,
                    principal, absoluteExpiresAt, idleTimeout, touch);
        }
    }
}
