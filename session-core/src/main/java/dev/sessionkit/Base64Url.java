package dev.sessionkit;

import java.util.Base64;

/** base64url without padding, with a strict check of the alphabet and length. */
final class Base64Url {

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private Base64Url() {
    }

    static String encode(byte[] bytes) {
        return ENCODER.encodeToString(bytes);
    }

    /**
     * True when {@code text} uses only the base64url alphabet and decodes to exactly
     * {@code bytes} bytes in its canonical form (no stray low bits in the last character).
     */
    static boolean isCanonical(String text, int bytes) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_';
            if (!ok) {
                return false;
            }
        }
        byte[] decoded;
        try {
            decoded = DECODER.decode(text);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return decoded.length == bytes && encode(decoded).equals(text);
    }
}
