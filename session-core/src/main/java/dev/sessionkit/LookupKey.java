package dev.sessionkit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The key a {@link SessionStore} files a session under: the SHA-256 of the session id, in
 * lower-case hex (64 characters).
 *
 * <p>A store never sees the raw id, so a leaked table or backup does not let anyone present a
 * stolen session. The key is not secret in the same way; it also serves as an opaque handle that
 * can be shown to the session's owner ("sign out that device").
 *
 * @param value 64 lower-case hex characters
 */
public record LookupKey(String value) {

    private static final int HEX_LENGTH = 64;
    private static final HexFormat HEX = HexFormat.of();
    // MessageDigest.getInstance walks the providers on every call; one digest per thread is reused
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    });

    /**
     * @throws NullPointerException if {@code value} is null
     * @throws IllegalArgumentException if it is not 64 lower-case hex characters
     */
    public LookupKey {
        java.util.Objects.requireNonNull(value, "value");
        if (!isWellFormed(value)) {
            throw new IllegalArgumentException("a lookup key is 64 lower-case hex characters");
        }
    }

    /** Derives the key of {@code id}. */
    static LookupKey of(SessionId id) {
        byte[] digest = SHA256.get().digest(id.value().getBytes(StandardCharsets.US_ASCII));
        return new LookupKey(HEX.formatHex(digest));
    }

    /** True when {@code text} is a well-formed key; for parsing untrusted handles without exceptions. */
    public static boolean isWellFormed(String text) {
        if (text == null || text.length() != HEX_LENGTH) {
            return false;
        }
        for (int i = 0; i < HEX_LENGTH; i++) {
            char c = text.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    /** The first eight characters, for correlating log lines without revealing the key. */
    public String prefix() {
        return value.substring(0, 8);
    }

    @Override
    public String toString() {
        return "LookupKey[" + prefix() + "…]";
    }
}
