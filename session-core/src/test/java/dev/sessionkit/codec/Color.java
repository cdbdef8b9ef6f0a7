package dev.sessionkit.codec;

public enum Color {
    RED, GREEN
}
