package dev.sessionkit.servlet.app;

/** An allowed class Jackson cannot write: its only property throws. */
public final class Exploding {

    public String getValue() {
        throw new UnsupportedOperationException("no value");
    }
}
