package dev.sessionkit.spring.compat;

import java.util.ArrayList;
import java.util.List;

/** A shopping cart kept in the session by {@code @SessionAttributes}; changed in place. */
public class Cart {

    private final List<CartItem> items = new ArrayList<>();

    public List<CartItem> getItems() {
        return items;
    }

    public void add(String product, int quantity) {
        items.add(new CartItem(product, quantity));
    }

    /** All quantities added up. */
    public int totalQuantity() {
        return items.stream().mapToInt(CartItem::quantity).sum();
    }
}
