package dev.sessionkit.servlet.app;

import java.util.Objects;

/** Private fields and no getters: its state must survive, not come back as {@code {}}. */
public final class Secretive {

    private String code;
    private long counter;

    @SuppressWarnings("unused")
    private Secretive() {
    }

    public Secretive(String code, long counter) {
        this.code = code;
        this.counter = counter;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secretive s && Objects.equals(s.code, code) && s.counter == counter;
    }

    @Override
    public int hashCode() {
        return Objects.hash(code, counter);
    }

    @Override
    public String toString() {
        return "Secretive[" + code + ", " + counter + "]";
    }
}
