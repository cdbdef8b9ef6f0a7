package dev.sessionkit.servlet.app;

/** An enum attribute. */
public enum Color {
    RED, GREEN, BLUE
}
