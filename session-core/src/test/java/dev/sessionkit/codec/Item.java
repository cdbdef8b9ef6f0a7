package dev.sessionkit.codec;

/** A record: read back through its canonical constructor. */
public record Item(String name, int quantity) {
}
