package dev.sessionkit.servlet;

/**
 * Stands for a deserialization gadget outside the allowed attribute types: records whether it was
 * ever initialized or instantiated. Nothing in the tests creates one; only stored JSON names it.
 */
public class Gadget {

    static {
        Marker.initialized = true;
    }

    public Gadget() {
        Marker.instantiated = true;
    }

    public void setCommand(String command) {
        Marker.instantiated = true;
    }

    /** Holds the flags outside Gadget, so reading them does not initialize Gadget. */
    public static final class Marker {
        public static volatile boolean initialized;
        public static volatile boolean instantiated;
    }
}
