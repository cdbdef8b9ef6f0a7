package dev.sessionkit.codec;

import java.util.Objects;

/** Final fields, a private no-argument constructor, no setters. */
public final class Point {

    private final int x;
    private final int y;

    @SuppressWarnings("unused")
    private Point() {
        this(0, 0);
    }

    public Point(int x, int y) {
        this.x = x;
        this.y = y;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Point p && p.x == x && p.y == y;
    }

    @Override
    public int hashCode() {
        return Objects.hash(x, y);
    }
}
