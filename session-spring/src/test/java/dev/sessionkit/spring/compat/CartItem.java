package dev.sessionkit.spring.compat;

/** One line of the cart. */
public record CartItem(String product, int quantity) {
}
