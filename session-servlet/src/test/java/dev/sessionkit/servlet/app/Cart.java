package dev.sessionkit.servlet.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A shopping cart changed in place, the way container sessions are used. */
public class Cart {

    private final List<String> items = new ArrayList<>();

    public void add(String item) {
        items.add(item);
    }

    public List<String> getItems() {
        return List.copyOf(items);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cart c && c.items.equals(items);
    }

    @Override
    public int hashCode() {
        return Objects.hash(items);
    }

    @Override
    public String toString() {
        return "Cart" + items;
    }
}
