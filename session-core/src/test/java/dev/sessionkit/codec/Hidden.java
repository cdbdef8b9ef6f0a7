package dev.sessionkit.codec;

import java.util.Objects;

/** Private fields and no getters: its state must still survive (it was stored as {} before). */
public class Hidden {

    private String state;
    private int counter;

    public Hidden() {
    }

    public Hidden(String state, int counter) {
        this.state = state;
        this.counter = counter;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Hidden h && Objects.equals(h.state, state) && h.counter == counter;
    }

    @Override
    public int hashCode() {
        return Objects.hash(state, counter);
    }
}
