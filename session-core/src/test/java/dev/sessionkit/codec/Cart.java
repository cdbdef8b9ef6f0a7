package dev.sessionkit.codec;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A shopping cart as applications keep one: a mutable bean with getters and setters. */
public class Cart {

    private String owner;
    private List<Item> items = new ArrayList<>();
    private Instant updatedAt;
    private BigDecimal total;

    public Cart() {
    }

    public Cart(String owner, List<Item> items, Instant updatedAt, BigDecimal total) {
        this.owner = owner;
        this.items = items;
        this.updatedAt = updatedAt;
        this.total = total;
    }

    public String getOwner() {
        return owner;
    }

    public void setOwner(String owner) {
        this.owner = owner;
    }

    public List<Item> getItems() {
        return items;
    }

    public void setItems(List<Item> items) {
        this.items = items;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }

    public BigDecimal getTotal() {
        return total;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cart c && Objects.equals(owner, c.owner) && Objects.equals(items, c.items)
                && Objects.equals(updatedAt, c.updatedAt) && Objects.equals(total, c.total);
    }

    @Override
    public int hashCode() {
        return Objects.hash(owner, items, updatedAt, total);
    }
}
