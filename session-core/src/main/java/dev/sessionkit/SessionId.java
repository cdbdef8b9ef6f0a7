package dev.sessionkit;

import java.security.SecureRandom;
import java.util.Objects;
import java.util.Optional;

/**
 * A session identifier: 256 random bits from {@link SecureRandom}, written as 43 characters of
 * base64url without padding.
 *
 * <p>The raw id is a bearer secret. It travels only in the signed cookie; stores are addressed by
 * its {@link #lookupKey() lookup key}. {@link #toString()} never reveals it.
 *
 * <p>Instances are immutable and thread-safe.
 */
final class SessionId {

    /** Length of the textual form: 32 bytes in base64url without padding. */
    public static final int LENGTH = 43;

    private static final int BYTES = 32;
    // One generator per thread: the default NativePRNG serialises every caller on one global lock.
    // DRBG (NIST SP 800-90A) instances are independent and seeded from the system's entropy.
    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(SessionId::newGenerator);

    private final String value;
    private volatile LookupKey lookupKey;

    private SessionId(String value) {
        this.value = value;
    }

    /** Returns a new random id. Thread-safe. */
    public static SessionId generate() {
        return generate(RANDOM.get());
    }

    private static SecureRandom newGenerator() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (java.security.NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }

    /**
     * Returns a new id drawn from {@code random}.
     *
     * @throws NullPointerException if {@code random} is null
     */
    public static SessionId generate(SecureRandom random) {
        byte[] bytes = new byte[BYTES];
        random.nextBytes(bytes);
        return new SessionId(Base64Url.encode(bytes));
    }

    /**
     * Parses the textual form of an id. Anything of the wrong length or alphabet, including
     * {@code null}, gives an empty result; this never throws, so untrusted input can go straight in.
     */
    public static Optional<SessionId> parse(String text) {
        if (text == null || text.length() != LENGTH || !Base64Url.isCanonical(text, BYTES)) {
            return Optional.empty();
        }
        return Optional.of(new SessionId(text));
    }

    /** The textual form, the secret that goes into the cookie. Never log it. */
    public String value() {
        return value;
    }

    /** The key a store files this session under: the SHA-256 of the id. */
    public LookupKey lookupKey() {
        LookupKey key = lookupKey;
        if (key == null) {
            key = LookupKey.of(this);
            lookupKey = key;
        }
        return key;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SessionId that && value.equals(that.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    /** Shows only the lookup key's prefix, so an id never ends up in a log by accident. */
    @Override
    public String toString() {
        return "SessionId[" + lookupKey().prefix() + "…]";
    }

    static SessionId requireNonNull(SessionId id) {
        return Objects.requireNonNull(id, "id");
    }
}
