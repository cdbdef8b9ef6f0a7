package dev.sessionkit;

import java.util.Optional;

/**
 * Cookie values that one {@link CookiePolicy} signed or verified lately, with what verifying them
 * gave, so that a session's next requests skip the HMAC-SHA256 of the cookie and the SHA-256 of
 * its lookup key (the {@link SessionId} kept here has its key already derived). About a microsecond
 * of every request's CPU on the memory store.
 *
 * <p>A direct-mapped table: each value has one slot, chosen by its hash; a newer value takes the
 * slot of an older one. The value in the slot is compared with the one presented in constant time,
 * whether the slot is empty, holds another value or this one, so timing tells nothing about the
 * values held. Only values that verified are kept: a wrong signature is checked in full every
 * time. What is kept is the verdict on a signature, which never changes for a policy's secrets; a
 * session's liveness is still asked of the store on every request.
 *
 * <p>At most {@value #SLOTS} values, about 400 bytes each when full (some 13 MB). Thread-safe:
 * slots hold immutable entries, and a lost race only costs one more verification.
 */
final class RecentCookies {

    static final int SLOTS = 1 << 15;
    private static final String EMPTY = "";

    private final Entry[] slots = new Entry[SLOTS];

    private record Entry(String value, Optional<CookiePolicy.Verified> verified) {
    }

    /**
     * What verifying {@code value} gave when it was last remembered, or null when it is not held.
     *
     * @param value a cookie value of the policy's fixed length
     */
    Optional<CookiePolicy.Verified> find(String value) {
        Entry entry = slots[slot(value)];
        String held = entry == null ? EMPTY : entry.value();
        return sameInConstantTime(held, value) ? entry.verified() : null;
    }

    /** Remembers that {@code value} verified as {@code verified}, in place of what shared its slot. */
    void remember(String value, CookiePolicy.Verified verified) {
        verified.id().lookupKey(); // derived now, once, and kept with the id
        slots[slot(value)] = new Entry(value, Optional.of(verified));
    }

    /** The slot of {@code value}. */
    static int slot(String value) {
        int h = value.hashCode();
        return (h ^ (h >>> 16)) & (SLOTS - 1);
    }

    /** Equal strings; the time taken depends on the presented value's length only. */
    private static boolean sameInConstantTime(String held, String presented) {
        int length = presented.length();
        int diff = held.length() ^ length;
        for (int i = 0; i < length; i++) {
            diff |= (i < held.length() ? held.charAt(i) : 0) ^ presented.charAt(i);
        }
        return diff == 0;
    }
}
